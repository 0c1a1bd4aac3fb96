package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.Operations;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cost model: the frontend's own operations at the page sizes its menus offer (25/50/100/200,
 * and 500 on the region and constellation filters) run and report their cost; cycles through
 * unpaged lists, alias bombs and too many root fields are refused with the cost, the limit and the
 * heaviest field.
 */
@ClusterTest
class QueryCostTest {
  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private static JsonObject post(String query, String operation, JsonObject variables) {
    JsonObject body = new JsonObject().put("query", query);
    if (operation != null) {
      body.put("operationName", operation);
    }
    if (variables != null) {
      body.put("variables", variables);
    }
    var r = api.post(body.encode(), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** Runs a frontend operation that must succeed; returns its reported cost. */
  private static long frontend(String file, String operation, JsonObject variables) {
    JsonObject r = post(Operations.load(file), operation, variables);
    assertThat(r.getJsonArray("errors")).as(file + " " + variables + ": " + r.encode()).isNull();
    JsonObject cost = r.getJsonObject("extensions").getJsonObject("cost");
    long requested = cost.getLong("requested");
    assertThat(requested).isPositive().isLessThanOrEqualTo(cost.getLong("limit"));
    System.out.printf("cost %-8d %s %s%n", requested, operation, variables.encode());
    return requested;
  }

  private static JsonObject filter(int limit) {
    return new JsonObject().put("filter", new JsonObject().put("limit", limit));
  }

  @Test
  void theFrontendsPageSizesRunAndReportTheirCost() {
    long previous = 0;
    for (int size : List.of(25, 50, 100, 200)) {
      long killmails = frontend("graphql__Killmails.graphql", "Killmails", filter(size));
      // Honest about page sizes: a bigger page costs more.
      assertThat(killmails).isGreaterThan(previous);
      previous = killmails;
      frontend("app__alliances__alliances.graphql", "Alliances", filter(size));
      frontend("app__corporations__corporations.graphql", "Corporations", filter(size));
      frontend("app__characters__Characters.graphql", "Characters", filter(size));
      frontend(
          "graphql__CharacterKillmails.graphql",
          "CharacterKillmails",
          new JsonObject().put("characterId", 90000001).put("first", size));
      frontend(
          "graphql__CorporationKillmails.graphql",
          "CorporationKillmails",
          new JsonObject().put("corporationId", 98000001).put("first", size));
      frontend(
          "graphql__AllianceKillmails.graphql",
          "AllianceKillmails",
          new JsonObject().put("allianceId", 99000001).put("first", size));
      frontend("app__regions__regions.graphql", "Regions", filter(size));
      frontend("app__constellations__constellations.graphql", "Constellations", filter(size));
      frontend("app__solar-systems__solarSystems.graphql", "SolarSystems", filter(size));
    }
    // The "All Regions" / "All Constellations" dropdowns.
    frontend("app__regions__regions.graphql", "Regions", filter(500));
    frontend("app__constellations__constellations.graphql", "Constellations", filter(500));
    frontend("app__solar-systems__solarSystems.graphql", "SolarSystems", filter(500));
    frontend(
        "app__constellations__constellations.graphql",
        "Constellations",
        new JsonObject()
            .put("filter", new JsonObject().put("limit", 500).put("region_id", 10000002)));
    frontend(
        "app__alliances__id__alliance.graphql", "Alliance", new JsonObject().put("id", 99000001));
    frontend(
        "app__corporations__id__corporation.graphql",
        "Corporation",
        new JsonObject().put("id", 98000001));
    frontend(
        "app__characters__id__Character.graphql",
        "Character",
        new JsonObject().put("id", 90000001));
    frontend("graphql__Killmail.graphql", "Killmail", new JsonObject().put("id", "1000001"));
  }

  @Test
  void unpagedListsMultiplyTheirChildren() {
    JsonObject one = post("{ alliance(id: 99000001) { name } }", null, null);
    JsonObject corporations =
        post("{ alliance(id: 99000001) { corporations { name } } }", null, null);
    JsonObject nested =
        post(
            "{ alliance(id: 99000001) { corporations { alliance { corporations { name } } } } }",
            null,
            null);
    long a = one.getJsonObject("extensions").getJsonObject("cost").getLong("requested");
    long b = corporations.getJsonObject("extensions").getJsonObject("cost").getLong("requested");
    long c = nested.getJsonObject("extensions").getJsonObject("cost").getLong("requested");
    // The corporations of an alliance count 500 each, and a second level of them 500 × 500.
    assertThat(b - a).isGreaterThanOrEqualTo(500);
    assertThat(c).isGreaterThanOrEqualTo(500L * 500);
  }

  @Test
  void theCycleOfD1IsRefusedNamingCostLimitAndHeaviestField() {
    StringBuilder q = new StringBuilder("{ ");
    for (int i = 0; i < 14; i++) {
      q.append("a")
          .append(i)
          .append(
              ": alliances(filter: {limit: 200}) { edges { node { corporations { alliance {"
                  + " corporations { alliance { corporations { name ticker member_count } } } } } } } } ");
    }
    q.append("}");
    JsonObject r = post(q.toString(), null, null);
    JsonObject error = r.getJsonArray("errors").getJsonObject(0);
    assertThat(error.getJsonObject("extensions").getString("code")).isEqualTo("QUERY_TOO_COMPLEX");
    assertThat(error.getString("message"))
        .contains("exceeds the maximum of 150000")
        .contains("alliances.edges.node.corporations.alliance.corporations.alliance.corporations");
    assertThat(r.getValue("data")).isNull();
    assertThat(r.getJsonObject("extensions").getJsonObject("cost").getLong("requested"))
        .isGreaterThan(150_000L);
  }

  @Test
  void aliasBombsAndRootFieldFloodsAreRefused() {
    // R1 of issue 10 (900 aliases), written compactly so that it fits the body cap: the parser
    // stops at the token cap
    // (3,000); 100 of them parse and meet the root-field cap.
    JsonObject r1 = post(searchAliases(900), null, null);
    assertThat(code(r1)).isEqualTo("GRAPHQL_PARSE_FAILED");
    assertThat(message(r1)).contains("3,000");
    assertThat(r1.getValue("data")).isNull();
    JsonObject r = post(searchAliases(100), null, null);
    assertThat(code(r)).isEqualTo("QUERY_TOO_COMPLEX");
    assertThat(message(r)).contains("100 root fields", "at most 20");
    assertThat(r.getValue("data")).isNull();

    StringBuilder aliases = new StringBuilder("{ killmail(id: \"1000001\") { ");
    for (int i = 0; i < 31; i++) {
      aliases.append("v").append(i).append(": victim { characterName } ");
    }
    aliases.append("} }");
    JsonObject a = post(aliases.toString(), null, null);
    assertThat(code(a)).isEqualTo("QUERY_TOO_COMPLEX");
    assertThat(message(a)).contains("31 aliases", "at most 30");

    // Statements count too: 20 searches with their counts are within the caps but cost 20 × (3 + 1)
    // statements.
    StringBuilder searches = new StringBuilder("{ ");
    for (int i = 0; i < 20; i++) {
      searches
          .append("k")
          .append(i)
          .append(": killmails(filter: {search: \"a\", limit: 1}) { pageInfo { totalCount } } ");
    }
    searches.append("}");
    JsonObject s = post(searches.toString(), null, null);
    assertThat(s.getJsonArray("errors")).as(s.encode()).isNull();
    assertThat(s.getJsonObject("extensions").getJsonObject("cost").getLong("requested"))
        .isGreaterThanOrEqualTo(20 * 4 * 100L);
  }

  /** {@code count} aliases of R1's search with its count. */
  static String searchAliases(int count) {
    StringBuilder q = new StringBuilder("{");
    for (int i = 0; i < count; i++) {
      q.append("k")
          .append(i)
          .append(":killmails(filter:{search:\"a\",limit:1}){pageInfo{totalCount}} ");
    }
    return q.append("}").toString();
  }

  private static String code(JsonObject response) {
    JsonArray errors = response.getJsonArray("errors");
    assertThat(errors).as(response.encode()).isNotNull().isNotEmpty();
    return errors.getJsonObject(0).getJsonObject("extensions").getString("code");
  }

  private static String message(JsonObject response) {
    return response.getJsonArray("errors").getJsonObject(0).getString("message");
  }
}
