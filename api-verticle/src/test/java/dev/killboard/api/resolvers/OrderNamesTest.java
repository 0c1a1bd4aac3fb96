package dev.killboard.api.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.data.CharacterRepository.CharacterOrder;
import dev.killboard.api.data.KillmailRepository.KillmailOrder;
import dev.killboard.api.data.OrganisationRepository.OrganisationOrder;
import dev.killboard.api.data.UniverseRepository.NameOrder;
import dev.killboard.api.data.UniverseRepository.SolarSystemOrder;
import dev.killboard.api.graphql.ApiGraphQL;
import graphql.language.EnumTypeDefinition;
import graphql.language.EnumValueDefinition;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every {@code orderBy} value of the contract names exactly one constant of the order its
 * repository takes.
 */
class OrderNamesTest {

  @Test
  void everyContractOrderNamesARepositoryOrder() {
    TypeDefinitionRegistry types = new TypeDefinitionRegistry();
    for (String file :
        new String[] {"character", "universe", "alliance", "corporation", "killmail"}) {
      types.merge(new SchemaParser().parse(ApiGraphQL.readSdl(file)));
    }
    Map<String, Class<? extends Enum<?>>> orders =
        Map.of(
            "CharacterOrderBy", CharacterOrder.class,
            "RegionOrderBy", NameOrder.class,
            "ConstellationOrderBy", NameOrder.class,
            "SolarSystemOrderBy", SolarSystemOrder.class,
            "AllianceOrderBy", OrganisationOrder.class,
            "CorporationOrderBy", OrganisationOrder.class,
            "KillmailOrderBy", KillmailOrder.class);
    orders.forEach(
        (graphQlName, order) -> {
          EnumTypeDefinition definition =
              types
                  .getType(graphQlName, EnumTypeDefinition.class)
                  .orElseThrow(() -> new AssertionError("no enum " + graphQlName + " in the SDL"));
          Set<String> named =
              definition.getEnumValueDefinitions().stream()
                  .map(EnumValueDefinition::getName)
                  .map(Filter::constantName)
                  .collect(Collectors.toSet());
          Set<String> constants =
              Arrays.stream(order.getEnumConstants()).map(Enum::name).collect(Collectors.toSet());
          assertThat(named)
              .as("%s against %s", graphQlName, order.getSimpleName())
              .isEqualTo(constants);
        });
  }

  @Test
  void camelCaseValuesNameUpperSnakeConstants() {
    assertThat(Filter.constantName("securityStatusDesc")).isEqualTo("SECURITY_STATUS_DESC");
    assertThat(Filter.constantName("nameAsc")).isEqualTo("NAME_ASC");
  }
}
