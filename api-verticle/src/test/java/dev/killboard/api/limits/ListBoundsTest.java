package dev.killboard.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.graphql.ApiGraphQL;
import graphql.language.FieldDefinition;
import graphql.language.ListType;
import graphql.language.NonNullType;
import graphql.language.ObjectTypeDefinition;
import graphql.language.Type;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every unpaged list of the schema has a documented bound in the cost model (none falls back to the
 * default).
 */
class ListBoundsTest {
  /** Lists sized by their arguments or by the page cap rather than by the table. */
  private static final Set<String> SIZED_ELSEWHERE =
      Set.of("Alliance.snapshots", "Corporation.snapshots", "Query.users");

  @Test
  void everyUnpagedListHasABound() {
    TypeDefinitionRegistry types = new TypeDefinitionRegistry();
    for (String file :
        List.of(
            "root",
            "killmail",
            "alliance",
            "corporation",
            "character",
            "universe",
            "item",
            "auth",
            "worker")) {
      types.merge(new SchemaParser().parse(ApiGraphQL.readSdl(file)));
    }
    List<ObjectTypeDefinition> objects =
        new ArrayList<>(types.getTypes(ObjectTypeDefinition.class));
    types.objectTypeExtensions().values().forEach(objects::addAll);
    Set<String> unpaged = new TreeSet<>();
    for (ObjectTypeDefinition o : objects) {
      for (FieldDefinition f : o.getFieldDefinitions()) {
        boolean paged =
            f.getInputValueDefinitions().stream()
                .anyMatch(a -> a.getName().equals("limit") || a.getName().equals("first"));
        String key = o.getName() + "." + f.getName();
        if (isList(f.getType())
            && !paged
            && !f.getName().equals("edges")
            && !SIZED_ELSEWHERE.contains(key)) {
          unpaged.add(key);
        }
      }
    }
    assertThat(unpaged)
        .contains("Alliance.corporations", "Killmail.attackers", "Constellation.solarSystems");
    assertThat(ListBounds.BOUNDS.keySet()).containsExactlyInAnyOrderElementsOf(unpaged);
  }

  private static boolean isList(Type<?> type) {
    Type<?> t = type instanceof NonNullType n ? n.getType() : type;
    return t instanceof ListType;
  }
}
