package dev.killboard.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.language.EnumTypeDefinition;
import graphql.language.FieldDefinition;
import graphql.language.InputObjectTypeDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.language.TypeDefinition;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The API's SDL declares exactly the original's fields, arguments, nullability and enum values. */
class SchemaContractTest {

  @Test
  void sdlMatchesTheContractSignatures() throws IOException {
    TypeDefinitionRegistry types = new TypeDefinitionRegistry();
    for (String file : ApiGraphQL.SDL_FILES) {
      types.merge(new SchemaParser().parse(ApiGraphQL.readSdl(file)));
    }
    Set<String> mine = new TreeSet<>();
    for (TypeDefinition<?> t : types.types().values()) {
      collect(t, mine);
    }
    types.objectTypeExtensions().values().forEach(list -> list.forEach(t -> collect(t, mine)));
    Set<String> contract;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("contract/schema-signatures.txt")) {
      contract =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.isBlank() && !l.startsWith("#"))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(contract).hasSizeGreaterThan(400);
    assertThat(mine).isEqualTo(contract);
  }

  private static void collect(TypeDefinition<?> t, Set<String> out) {
    if (t instanceof ObjectTypeDefinition o) {
      for (FieldDefinition f : o.getFieldDefinitions()) {
        List<String> args =
            f.getInputValueDefinitions().stream()
                .map(a -> a.getName() + ":" + print(a.getType()))
                .sorted()
                .toList();
        out.add(
            "type "
                + o.getName()
                + "."
                + f.getName()
                + (args.isEmpty() ? "" : "(" + String.join(",", args) + ")")
                + ": "
                + print(f.getType()));
      }
    } else if (t instanceof InputObjectTypeDefinition i) {
      i.getInputValueDefinitions()
          .forEach(
              v -> out.add("input " + i.getName() + "." + v.getName() + ": " + print(v.getType())));
    } else if (t instanceof EnumTypeDefinition e) {
      e.getEnumValueDefinitions().forEach(v -> out.add("enum " + e.getName() + "." + v.getName()));
    }
  }

  private static String print(graphql.language.Type<?> type) {
    return graphql.language.AstPrinter.printAst(type);
  }
}
