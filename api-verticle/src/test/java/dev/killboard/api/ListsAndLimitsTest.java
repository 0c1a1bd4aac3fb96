package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.Seed;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pagination edges, every killmail filter, orders, unknown ids, and the request limits. */
@ClusterTest
class ListsAndLimitsTest {
  static ApiHarness api;
  static final String KILLMAILS =
      "query($f: KillmailFilter) { killmails(filter: $f) { edges { cursor node { killmailId solarSystemId } }"
          + " pageInfo { currentPage totalPages totalCount hasNextPage hasPreviousPage nextCursor previousCursor } } }";

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private JsonObject killmails(JsonObject filter) {
    return api.data(KILLMAILS, new JsonObject().put("f", filter)).getJsonObject("killmails");
  }

  private static List<Integer> ids(JsonObject conn) {
    return conn.getJsonArray("edges").stream()
        .map(e -> ((JsonObject) e).getJsonObject("node").getInteger("killmailId"))
        .toList();
  }

  private static String errorCode(JsonObject response) {
    JsonArray errors = response.getJsonArray("errors");
    assertThat(errors).as(response.encode()).isNotNull().isNotEmpty();
    return errors.getJsonObject(0).getJsonObject("extensions").getString("code");
  }

  @Test
  void pagesCoverTheListOnceInBothOrders() {
    List<Integer> desc =
        Seed.KILLMAILS.stream()
            .sorted(Comparator.comparing(Seed.Killmail::time).reversed())
            .map(Seed.Killmail::id)
            .toList();
    List<Integer> seen = new ArrayList<>();
    for (int page = 1; page <= 4; page++) {
      JsonObject conn = killmails(new JsonObject().put("page", page).put("limit", 8));
      seen.addAll(ids(conn));
      JsonObject info = conn.getJsonObject("pageInfo");
      assertThat(info.getInteger("currentPage")).isEqualTo(page);
      assertThat(info.getInteger("totalPages")).isEqualTo(4);
      assertThat(info.getBoolean("hasNextPage")).isEqualTo(page < 4);
      assertThat(info.getBoolean("hasPreviousPage")).isEqualTo(page > 1);
      assertThat(info.getValue("nextCursor")).isEqualTo(page < 4 ? page + 1 : null);
      // The original's killmail cursors: base64(position + 1).
      assertThat(conn.getJsonArray("edges").getJsonObject(0).getString("cursor"))
          .isEqualTo(
              Base64.getEncoder().encodeToString(Integer.toString((page - 1) * 8 + 1).getBytes()));
    }
    assertThat(seen).isEqualTo(desc);
    JsonObject asc = killmails(new JsonObject().put("orderBy", "timeAsc").put("limit", 3));
    assertThat(ids(asc))
        .containsExactly(Seed.FIRST_KILLMAIL, Seed.FIRST_KILLMAIL + 1, Seed.FIRST_KILLMAIL + 2);
  }

  @Test
  void pageBeyondTheEndIsEmptyWithTheRealTotal() {
    JsonObject conn = killmails(new JsonObject().put("page", 50).put("limit", 10));
    assertThat(conn.getJsonArray("edges")).isEmpty();
    assertThat(conn.getJsonObject("pageInfo").getInteger("totalCount"))
        .isEqualTo(Seed.KILLMAIL_COUNT);
    assertThat(conn.getJsonObject("pageInfo").getBoolean("hasNextPage")).isFalse();
    assertThat(conn.getJsonObject("pageInfo").getBoolean("hasPreviousPage")).isTrue();
  }

  @Test
  void systemAndRegionFilters() {
    int jita = 30000142;
    Set<Integer> inJita =
        Seed.KILLMAILS.stream()
            .filter(k -> k.systemId() == jita)
            .map(Seed.Killmail::id)
            .collect(Collectors.toSet());
    JsonObject bySystem = killmails(new JsonObject().put("systemId", jita).put("limit", 100));
    assertThat(ids(bySystem)).containsExactlyInAnyOrderElementsOf(inJita);
    assertThat(bySystem.getJsonObject("pageInfo").getInteger("totalCount"))
        .isEqualTo(inJita.size());

    int forge = 10000002;
    Set<Integer> forgeSystems =
        Seed.SYSTEMS.stream()
            .filter(s -> Seed.constellation(s.constellationId()).regionId() == forge)
            .map(Seed.SolarSystem::id)
            .collect(Collectors.toSet());
    Set<Integer> inForge =
        Seed.KILLMAILS.stream()
            .filter(k -> forgeSystems.contains(k.systemId()))
            .map(Seed.Killmail::id)
            .collect(Collectors.toSet());
    JsonObject byRegion = killmails(new JsonObject().put("regionId", forge).put("limit", 100));
    assertThat(ids(byRegion)).containsExactlyInAnyOrderElementsOf(inForge);
    assertThat(byRegion.getJsonObject("pageInfo").getInteger("totalCount"))
        .isEqualTo(inForge.size());

    JsonObject both = killmails(new JsonObject().put("regionId", 10000001).put("systemId", jita));
    assertThat(both.getJsonArray("edges")).isEmpty();
    assertThat(both.getJsonObject("pageInfo").getInteger("totalCount")).isZero();
  }

  @Test
  void countsAboveTheExactCeilingNeverReportFewerThanThereAreAndBecomeExactAtTheEnd()
      throws Exception {
    String systems =
        "query($f: SolarSystemFilter) { solarSystems(filter: $f) { edges { node { name } }"
            + " pageInfo { totalCount totalPages hasNextPage } } }";
    List<String> names = Seed.SYSTEMS.stream().map(Seed.SolarSystem::name).sorted().toList();
    assertThat(names).as("more systems than the ceiling").hasSizeGreaterThan(4);
    try (ApiHarness.Variant variant =
        api.deployVariant(Map.of("KILLBOARD_EXACT_COUNT_CEILING", "3"))) {
      // solarSystems counts by a bounded scan (docs/api.md, "every other list"), so the ceiling
      // applies.
      JsonObject first =
          dataOf(
                  variant.graphql(
                      systems, new JsonObject().put("f", new JsonObject().put("limit", 2)), null))
              .getJsonObject("solarSystems");
      JsonObject info = first.getJsonObject("pageInfo");
      assertThat(info.getInteger("totalCount"))
          .as("above the ceiling: an estimate, never below ceiling + 1")
          .isGreaterThanOrEqualTo(4);
      assertThat(info.getInteger("totalPages")).isEqualTo((info.getInteger("totalCount") + 1) / 2);
      assertThat(info.getBoolean("hasNextPage")).isTrue();

      int lastPage = (names.size() + 1) / 2;
      JsonObject last =
          dataOf(
                  variant.graphql(
                      systems,
                      new JsonObject()
                          .put("f", new JsonObject().put("limit", 2).put("page", lastPage)),
                      null))
              .getJsonObject("solarSystems");
      assertThat(last.getJsonArray("edges")).hasSize(names.size() - (lastPage - 1) * 2);
      assertThat(last.getJsonObject("pageInfo").getInteger("totalCount"))
          .as("the last page proves the total")
          .isEqualTo(names.size());
      assertThat(last.getJsonObject("pageInfo").getBoolean("hasNextPage")).isFalse();

      // Killmail lists count from counters, exact whatever the ceiling.
      int jita = 30000142;
      long inJita = Seed.KILLMAILS.stream().filter(k -> k.systemId() == jita).count();
      assertThat(inJita).isGreaterThan(4);
      for (JsonObject filter :
          List.of(
              new JsonObject().put("systemId", jita),
              new JsonObject().put("systemId", jita).put("regionId", 10000002))) {
        JsonObject page =
            dataOf(
                    variant.graphql(
                        KILLMAILS, new JsonObject().put("f", filter.put("limit", 2)), null))
                .getJsonObject("killmails");
        assertThat(page.getJsonObject("pageInfo").getInteger("totalCount"))
            .as("%s", filter)
            .isEqualTo((int) inJita);
      }
    }
  }

  private static JsonObject dataOf(JsonObject response) {
    assertThat(response.getJsonArray("errors")).as(response.encode()).isNull();
    return response.getJsonObject("data");
  }

  @Test
  void searchMatchesVictimsAndAttackersByName() {
    // "bravo" matches Bob Bravo: killmails where he is the victim or an attacker.
    int bob = 90000002;
    Set<Integer> expected =
        Seed.KILLMAILS.stream()
            .filter(
                k ->
                    (k.victimCharacterId() != null && k.victimCharacterId() == bob)
                        || k.attackers().stream()
                            .anyMatch(a -> a.characterId() != null && a.characterId() == bob))
            .map(Seed.Killmail::id)
            .collect(Collectors.toSet());
    JsonObject conn = killmails(new JsonObject().put("search", "bRaVo").put("limit", 100));
    assertThat(ids(conn)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(conn.getJsonObject("pageInfo").getInteger("totalCount")).isEqualTo(expected.size());
    // Newest first.
    List<Integer> got = ids(conn);
    assertThat(got)
        .isSortedAccordingTo(
            Comparator.comparing((Integer id) -> Seed.killmail(id).time()).reversed());

    // A corporation name, combined with a region.
    int lonely = 98000003;
    Set<Integer> lonelyInDerelik =
        Seed.KILLMAILS.stream()
            .filter(
                k ->
                    (k.victimCorporationId() != null && k.victimCorporationId() == lonely)
                        || k.attackers().stream()
                            .anyMatch(
                                a -> a.corporationId() != null && a.corporationId() == lonely))
            .filter(
                k ->
                    Seed.constellation(Seed.system(k.systemId()).constellationId()).regionId()
                        == 10000001)
            .map(Seed.Killmail::id)
            .collect(Collectors.toSet());
    JsonObject corp =
        killmails(
            new JsonObject().put("search", "Lonely").put("regionId", 10000001).put("limit", 100));
    assertThat(ids(corp)).containsExactlyInAnyOrderElementsOf(lonelyInDerelik);

    // Wildcards and SQL metacharacters match literally (nothing here).
    assertThat(killmails(new JsonObject().put("search", "%")).getJsonArray("edges")).isEmpty();
    assertThat(
            killmails(new JsonObject().put("search", "'; DROP TABLE killmails; --"))
                .getJsonArray("edges"))
        .isEmpty();
    assertThat(
            killmails(new JsonObject().put("search", "nobody-has-this-name"))
                .getJsonObject("pageInfo")
                .getInteger("totalCount"))
        .isZero();
  }

  @Test
  void searchPagesAreConsistent() {
    JsonObject all = killmails(new JsonObject().put("search", "Alpha").put("limit", 100));
    List<Integer> every = ids(all);
    JsonObject p2 =
        killmails(new JsonObject().put("search", "Alpha").put("limit", 3).put("page", 2));
    assertThat(ids(p2)).isEqualTo(every.subList(3, 6));
    assertThat(p2.getJsonObject("pageInfo").getInteger("totalCount")).isEqualTo(every.size());
  }

  @Test
  void searchTotalsAboveTheCeilingAreTheSameOnEveryPageAndFlagged() throws Exception {
    int alpha =
        killmails(new JsonObject().put("search", "Alpha").put("limit", 100))
            .getJsonArray("edges")
            .size();
    assertThat(alpha).as("more matches than the variant's ceiling").isGreaterThan(6);
    try (ApiHarness.Variant variant =
        api.deployVariant(Map.of("KILLBOARD_EXACT_COUNT_CEILING", "3"))) {
      List<Integer> totals = new ArrayList<>();
      for (int page = 1; page <= 3; page++) {
        JsonObject r =
            variant.graphql(
                KILLMAILS,
                new JsonObject()
                    .put(
                        "f",
                        new JsonObject().put("search", "Alpha").put("limit", 2).put("page", page)),
                null);
        totals.add(
            dataOf(r)
                .getJsonObject("killmails")
                .getJsonObject("pageInfo")
                .getInteger("totalCount"));
        assertThat(r.getJsonObject("extensions").getJsonArray("estimatedTotalCounts"))
            .containsExactly("/killmails");
      }
      // One matched entity (Alice Alpha): its exact total, on every page.
      assertThat(totals).containsOnly(alpha);
      // With a place filter only the ceiling is known: ceiling + 1, on every page, flagged.
      List<Integer> filtered = new ArrayList<>();
      for (int page = 1; page <= 2; page++) {
        JsonObject r =
            variant.graphql(
                KILLMAILS,
                new JsonObject()
                    .put(
                        "f",
                        new JsonObject()
                            .put("search", "a")
                            .put("regionId", 10000002)
                            .put("limit", 1)
                            .put("page", page)),
                null);
        JsonObject conn = dataOf(r).getJsonObject("killmails");
        assertThat(conn.getJsonObject("pageInfo").getBoolean("hasNextPage")).isTrue();
        filtered.add(conn.getJsonObject("pageInfo").getInteger("totalCount"));
        assertThat(r.getJsonObject("extensions").getJsonArray("estimatedTotalCounts"))
            .containsExactly("/killmails");
      }
      assertThat(filtered).containsOnly(4);
      // The last page proves the exact total and is not flagged.
      int lastPage = (alpha + 1) / 2;
      JsonObject last =
          variant.graphql(
              KILLMAILS,
              new JsonObject()
                  .put(
                      "f",
                      new JsonObject()
                          .put("search", "Alpha")
                          .put("limit", 2)
                          .put("page", lastPage)),
              null);
      assertThat(
              dataOf(last)
                  .getJsonObject("killmails")
                  .getJsonObject("pageInfo")
                  .getInteger("totalCount"))
          .isEqualTo(alpha);
      assertThat(last.getJsonObject("extensions").getValue("estimatedTotalCounts")).isNull();
    }
  }

  @Test
  void unknownIdsAreNullNotErrors() {
    JsonObject data =
        api.data(
            "{ killmail(id: \"999\") { id } character(id: 1) { id } corporation(id: 2) { id } alliance(id: 3) { id }"
                + " region(id: 4) { id } constellation(id: 5) { id } solarSystem(id: 6) { id } type(id: 7) { id } itemGroup(id: 8) { id }"
                + " category(id: 9) { id } race(id: 10) { id } bloodline(id: 11) { id } }",
            null);
    data.forEach(e -> assertThat(e.getValue()).as(e.getKey()).isNull());
  }

  @Test
  void otherListsFilterAndOrder() {
    JsonObject data =
        api.data(
            "{ types(filter: {group_id: 25}) { edges { node { name group { name category { name } } } } pageInfo { totalCount } }"
                + " itemGroups(filter: {published: false}) { edges { node { name types { name } } } }"
                + " categories(filter: {search: \"hip\"}) { edges { node { name groups { name } } } }"
                + " constellations(filter: {name: \"kimo\"}) { edges { node { name solarSystemCount } } }"
                + " solarSystems(filter: {securityStatusMin: 0.5, region_id: 10000002, orderBy: nameDesc}) { edges { node { name } } }"
                + " regions(filter: {orderBy: nameDesc, limit: 1}) { edges { node { name } cursor } pageInfo { totalPages } }"
                + " corporations(filter: {allianceId: 99000001, orderBy: nameAsc}) { edges { node { name } } }"
                + " alliances(filter: {search: \"condi\"}) { edges { node { name } } }"
                + " a2: alliances(filter: {dateFoundedFrom: \"2010-05-10\", dateFoundedTo: \"2011-01-01\"}) { edges { node { ticker } } }"
                + " races { name } bloodlines { name race_id } }",
            null);
    assertThat(
            data.getJsonObject("types")
                .getJsonArray("edges")
                .getJsonObject(0)
                .getJsonObject("node")
                .getString("name"))
        .isEqualTo("Rifter");
    assertThat(data.getJsonObject("types").getJsonObject("pageInfo").getInteger("totalCount"))
        .isEqualTo(1);
    assertThat(
            data.getJsonObject("itemGroups")
                .getJsonArray("edges")
                .getJsonObject(0)
                .getJsonObject("node")
                .getString("name"))
        .isEqualTo("Projectile Ammo");
    assertThat(
            data.getJsonObject("categories")
                .getJsonArray("edges")
                .getJsonObject(0)
                .getJsonObject("node")
                .getJsonArray("groups"))
        .hasSize(2);
    assertThat(
            data.getJsonObject("constellations")
                .getJsonArray("edges")
                .getJsonObject(0)
                .getJsonObject("node")
                .getInteger("solarSystemCount"))
        .isEqualTo(2);
    assertThat(
            data.getJsonObject("solarSystems").getJsonArray("edges").stream()
                .map(e -> ((JsonObject) e).getJsonObject("node").getString("name"))
                .toList())
        .containsExactly("Perimeter", "Jita");
    assertThat(
            data.getJsonObject("regions")
                .getJsonArray("edges")
                .getJsonObject(0)
                .getJsonObject("node")
                .getString("name"))
        .isEqualTo("Vale of the Silent");
    assertThat(data.getJsonObject("regions").getJsonObject("pageInfo").getInteger("totalPages"))
        .isEqualTo(3);
    assertThat(data.getJsonObject("corporations").getJsonArray("edges")).hasSize(2);
    assertThat(
            data.getJsonObject("alliances")
                .getJsonArray("edges")
                .getJsonObject(0)
                .getJsonObject("node")
                .getString("name"))
        .isEqualTo("Goonswarm Federation");
    assertThat(
            data.getJsonObject("a2").getJsonArray("edges").stream()
                .map(e -> ((JsonObject) e).getJsonObject("node").getString("ticker"))
                .toList())
        .containsExactly("CONDI");
    assertThat(data.getJsonArray("races").getJsonObject(0).getString("name")).isEqualTo("Caldari");
    assertThat(data.getJsonArray("bloodlines")).hasSize(2);
  }

  @Test
  void snapshotsOfTheLastDays() {
    JsonObject a =
        api.data(
            "{ alliance(id: 99000001) { snapshots(days: 7) { date memberCount corporationCount } }"
                + " corporation(id: 98000002) { snapshots { date memberCount } } }",
            null);
    JsonArray snaps = a.getJsonObject("alliance").getJsonArray("snapshots");
    // Today and the 7 days before it.
    assertThat(snaps).hasSize(8);
    JsonObject newest = snaps.getJsonObject(7);
    assertThat(newest.getString("date"))
        .isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
    assertThat(newest.getInteger("memberCount"))
        .isEqualTo(Seed.allianceMembersDaysAgo(99000001, 0));
    assertThat(a.getJsonObject("corporation").getJsonArray("snapshots")).hasSize(31);
  }

  @Test
  void pageSizeCap() {
    JsonObject r =
        api.graphql("{ killmails(filter: {limit: 201}) { edges { cursor } } }", null, null);
    assertThat(errorCode(r)).isEqualTo("BAD_USER_INPUT");
    assertThat(r.getJsonArray("errors").getJsonObject(0).getString("message"))
        .contains("limit", "200");
    // The universe lists serve the frontend's "all regions" dropdowns (limit 500), but not more.
    JsonObject universe =
        api.graphql("{ regions(filter: {limit: 501}) { edges { cursor } } }", null, null);
    assertThat(errorCode(universe)).isEqualTo("BAD_USER_INPUT");
    assertThat(universe.getJsonArray("errors").getJsonObject(0).getString("message"))
        .contains("limit", "500");
    assertThat(
            errorCode(
                api.graphql(
                    "{ killmails(filter: {limit: 500}) { edges { cursor } } }", null, null)))
        .isEqualTo("BAD_USER_INPUT");
    assertThat(
            errorCode(
                api.graphql(
                    "{ characterKillmails(characterId: 1, first: 0) { edges { cursor } } }",
                    null,
                    null)))
        .isEqualTo("BAD_USER_INPUT");
    assertThat(
            errorCode(
                api.graphql("{ killmails(filter: {page: 0}) { edges { cursor } } }", null, null)))
        .isEqualTo("BAD_USER_INPUT");
    assertThat(
            errorCode(
                api.graphql(
                    "{ characterKillmails(characterId: 1, after: \"bm90LWEtbnVtYmVy\") { edges { cursor } } }",
                    null,
                    null)))
        .isEqualTo("BAD_USER_INPUT");
    assertThat(
            api.data("{ killmails(filter: {limit: 100}) { edges { cursor } } }", null)
                .getJsonObject("killmails")
                .getJsonArray("edges"))
        .hasSize(Seed.KILLMAIL_COUNT);
  }

  @Test
  void theOriginalsHealthPathAnswersAndUnknownPathsAreNotFound() {
    var health =
        api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/health")).GET().build());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(health.body()).getString("status")).isEqualTo("UP");
    var unknown =
        api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/no/such/path")).GET().build());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(errorCode(new JsonObject(unknown.body()))).isEqualTo("NOT_FOUND");
  }

  @Test
  void depthLimit() {
    String deep =
        "{ character(id: 90000001) { corporation { alliance { executor { ceo { corporation { alliance { executor { ceo {"
            + " corporation { alliance { executor { ceo { corporation { alliance { name } } } } } } } } } } } } } } } }";
    JsonObject r = api.graphql(deep, null, null);
    assertThat(errorCode(r)).isEqualTo("QUERY_TOO_DEEP");
    assertThat(r.getValue("data")).isNull();
  }

  @Test
  void limitsApplyToEveryExecutionOfACachedDocument() {
    String deep =
        "{ character(id: 90000001) { corporation { alliance { executor { ceo { corporation { alliance { executor { ceo {"
            + " corporation { alliance { executor { ceo { corporation { alliance { name } } } } } } } } } } } } } } } }";
    for (int i = 0; i < 3; i++) {
      assertThat(errorCode(api.graphql(deep, null, null))).isEqualTo("QUERY_TOO_DEEP");
    }
    // One text, parsed once; its cost depends on the variables, so it is checked per execution.
    StringBuilder q =
        new StringBuilder("query($l: Int) { killmails(filter: {limit: $l}) { edges { node { ");
    for (int i = 0; i < 20; i++) {
      q.append("a")
          .append(i)
          .append(": attackers { character { name corporation { name alliance { name } } } } ");
    }
    q.append("} } } }");
    JsonObject small = api.graphql(q.toString(), new JsonObject().put("l", 1), null);
    assertThat(small.getValue("errors")).isNull();
    assertThat(errorCode(api.graphql(q.toString(), new JsonObject().put("l", 200), null)))
        .isEqualTo("QUERY_TOO_COMPLEX");
    assertThat(api.graphql(q.toString(), new JsonObject().put("l", 1), null).getValue("errors"))
        .isNull();
  }

  @Test
  void complexityLimit() {
    StringBuilder q = new StringBuilder("{ killmails(filter: {limit: 200}) { edges { node { ");
    for (int i = 0; i < 20; i++) {
      q.append("a")
          .append(i)
          .append(": attackers { character { name corporation { name alliance { name } } } } ");
    }
    q.append("} } } }");
    JsonObject r = api.graphql(q.toString(), null, null);
    assertThat(errorCode(r)).isEqualTo("QUERY_TOO_COMPLEX");
  }

  @Test
  void bodyCap() {
    String big =
        "{\"query\":\"{ races { name } }\",\"variables\":{\"pad\":\""
            + "x".repeat(70 * 1024)
            + "\"}}";
    var r = api.post(big, null);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(
            new JsonObject(r.body())
                .getJsonArray("errors")
                .getJsonObject(0)
                .getJsonObject("extensions")
                .getString("code"))
        .isEqualTo("PAYLOAD_TOO_LARGE");
  }

  @Test
  void malformedJsonIs400WithAGraphQLError() {
    var r = api.post("{\"query\": \"{ races { name } }\"", null);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject body = new JsonObject(r.body());
    assertThat(
            body.getJsonArray("errors")
                .getJsonObject(0)
                .getJsonObject("extensions")
                .getString("code"))
        .isEqualTo("BAD_REQUEST");
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
  }

  @Test
  void syntaxAndValidationErrorsHaveCodes() {
    assertThat(errorCode(api.graphql("{ races { name ", null, null)))
        .isEqualTo("GRAPHQL_PARSE_FAILED");
    assertThat(errorCode(api.graphql("{ races { nope } }", null, null)))
        .isEqualTo("GRAPHQL_VALIDATION_FAILED");
    JsonObject r =
        api.graphql(
            "query($id: Int!) { character(id: $id) { name } }",
            new JsonObject().put("id", "abc"),
            null);
    assertThat(errorCode(r)).isEqualTo("BAD_USER_INPUT");
    assertThat(errorCode(api.graphql("{ killmail(id: \"abc\") { id } }", null, null)))
        .isEqualTo("BAD_USER_INPUT");
  }

  @Test
  void getRequestsWorkAndRefuseMutations() {
    String q = URLEncoder.encode("{ region(id: 10000002) { name } }", StandardCharsets.UTF_8);
    var r =
        api.send(
            HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphql?query=" + q))
                .GET()
                .build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(
            new JsonObject(r.body())
                .getJsonObject("data")
                .getJsonObject("region")
                .getString("name"))
        .isEqualTo("The Forge");
    String m = URLEncoder.encode("mutation { login { url } }", StandardCharsets.UTF_8);
    var mr =
        api.send(
            HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphql?query=" + m))
                .GET()
                .build());
    assertThat(errorCode(new JsonObject(mr.body()))).isEqualTo("BAD_REQUEST");
  }

  @Test
  void corsAllowsTheFrontendOnly() {
    var ok =
        api.send(
            HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphql"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://frontend.test:3000")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization")
                .build());
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("http://frontend.test:3000");
    var other =
        api.send(
            HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphql"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://evil.test")
                .header("Access-Control-Request-Method", "POST")
                .build());
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void graphiqlIsServed() {
    var r =
        api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphiql/")).GET().build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).containsIgnoringCase("graphiql");
  }
}
