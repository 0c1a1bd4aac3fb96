package dev.killboard.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeEsiTest {
  private static Vertx vertx;
  private static WebClient client;
  private static FakeUniverse universe;
  private static ManualClock clock;
  private static FakeSso sso;
  private static FakeEsi esi;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    universe = FakeUniverse.generate(UniverseSpec.tiny());
    clock = ManualClock.atNow();
    // Token times follow the wall clock: verification checks iat/exp against real time.
    sso = new FakeSso(vertx, universe, new FakeSso.Options());
    esi =
        new FakeEsi(
            vertx,
            universe,
            sso,
            new FakeEsi.Options()
                .errorLimit(20)
                .errorWindow(Duration.ofSeconds(60))
                .groupsPageSize(3)
                .typesPageSize(7)
                .recentKillmailsPageSize(4)
                .clock(clock));
    sso.start().await(10, TimeUnit.SECONDS);
    esi.start().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    esi.resetErrorLimit();
    esi.faults().clear();
    esi.requests().clear();
  }

  @Test
  void servesEntitiesFromTheUniverseWithEsiHeaders() throws Exception {
    long characterId = universe.playerCharacterIds().get(3);
    HttpResponse<Buffer> response = get("/characters/" + characterId + "/");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(universe.character(characterId).orElseThrow());
    assertThat(response.getHeader("ETag")).startsWith("\"").endsWith("\"");
    assertThat(response.getHeader("X-ESI-Error-Limit-Remain")).isEqualTo("20");
    assertThat(Long.parseLong(response.getHeader("X-ESI-Error-Limit-Reset"))).isBetween(1L, 60L);
    ZonedDateTime date =
        ZonedDateTime.parse(response.getHeader("Date"), DateTimeFormatter.RFC_1123_DATE_TIME);
    ZonedDateTime expires =
        ZonedDateTime.parse(response.getHeader("Expires"), DateTimeFormatter.RFC_1123_DATE_TIME);
    assertThat(Duration.between(date, expires)).isEqualTo(Duration.ofSeconds(300));
    assertThat(esi.requests().count(FakeEsi.CHARACTER)).isEqualTo(1);

    long corpId = universe.playerCorporationIds().get(0);
    assertThat(get("/corporations/" + corpId + "/").bodyAsJsonObject())
        .isEqualTo(universe.corporation(corpId).orElseThrow());
    long allianceId = universe.allianceIds().get(0);
    assertThat(get("/alliances/" + allianceId + "/").bodyAsJsonObject().getString("name"))
        .isEqualTo(universe.alliance(allianceId).orElseThrow().getString("name"));
    assertThat(longs(get("/alliances/" + allianceId + "/corporations/").bodyAsJsonArray()))
        .isEqualTo(universe.allianceCorporations(allianceId).orElseThrow());
    long typeId = universe.typeIds().get(1);
    assertThat(get("/universe/types/" + typeId + "/").bodyAsJsonObject().getLong("type_id"))
        .isEqualTo(typeId);
    long groupId = universe.groupIds().get(1);
    assertThat(get("/universe/groups/" + groupId + "/").bodyAsJsonObject())
        .isEqualTo(universe.group(groupId).orElseThrow());
    assertThat(get("/universe/categories/6/").bodyAsJsonObject().getString("name"))
        .isEqualTo("Ship");
    assertThat(longs(get("/universe/regions/").bodyAsJsonArray())).isEqualTo(universe.regionIds());
    long regionId = universe.regionIds().get(0);
    assertThat(get("/universe/regions/" + regionId + "/").bodyAsJsonObject())
        .isEqualTo(universe.region(regionId).orElseThrow());
    long constellationId = universe.constellationIds().get(0);
    assertThat(
            get("/universe/constellations/" + constellationId + "/")
                .bodyAsJsonObject()
                .getLong("region_id"))
        .isEqualTo(universe.constellation(constellationId).orElseThrow().getLong("region_id"));
    long systemId = universe.systemIds().get(0);
    assertThat(
            get("/universe/systems/" + systemId + "/")
                .bodyAsJsonObject()
                .getDouble("security_status"))
        .isEqualTo(universe.system(systemId).orElseThrow().getDouble("security_status"));
    assertThat(get("/universe/constellations/").bodyAsJsonArray())
        .hasSize(universe.constellationIds().size());
    assertThat(get("/universe/systems/").bodyAsJsonArray()).hasSize(universe.systemIds().size());
    assertThat(get("/universe/races/").bodyAsJsonArray()).isEqualTo(universe.races());
    assertThat(get("/universe/bloodlines/").bodyAsJsonArray()).isEqualTo(universe.bloodlines());
    FakeKillmail km = universe.killmail(universe.killmailIds().get(7)).orElseThrow();
    assertThat(get("/killmails/" + km.killmailId() + "/" + km.hash() + "/").bodyAsJsonObject())
        .isEqualTo(km.esi());
  }

  @Test
  void unknownIdsAnswer404WithAnErrorBodyAndWrongHashes422() throws Exception {
    HttpResponse<Buffer> response = get("/characters/1/");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("Character not found");
    assertThat(get("/universe/types/99999999/").statusCode()).isEqualTo(404);
    assertThat(get("/alliances/5/corporations/").statusCode()).isEqualTo(404);
    assertThat(get("/nowhere/").statusCode()).isEqualTo(404);
    assertThat(esi.requests().count(RequestJournal.UNMATCHED)).isEqualTo(1);
    long id = universe.killmailIds().get(0);
    assertThat(get("/killmails/" + id + "/" + "0".repeat(40) + "/").statusCode()).isEqualTo(422);
  }

  @Test
  void listsEveryAllianceCategoryAndTypeId() throws Exception {
    HttpResponse<Buffer> alliances = get("/alliances/");
    assertThat(alliances.statusCode()).isEqualTo(200);
    assertThat(alliances.getHeader("X-Pages")).isNull();
    assertThat(longs(alliances.bodyAsJsonArray())).isEqualTo(universe.allianceIds()).isNotEmpty();
    assertThat(longs(get("/universe/categories/").bodyAsJsonArray()))
        .isEqualTo(universe.categoryIds())
        .contains(6L);
    assertThat(esi.requests().count(FakeEsi.ALLIANCES)).isEqualTo(1);
    assertThat(esi.requests().count(FakeEsi.CATEGORIES)).isEqualTo(1);

    List<Long> types = universe.typeIds();
    int pages = (types.size() + 6) / 7;
    assertThat(pages).isGreaterThan(1);
    HttpResponse<Buffer> first = get("/universe/types/");
    assertThat(first.getHeader("X-Pages")).isEqualTo(Integer.toString(pages));
    assertThat(longs(first.bodyAsJsonArray())).isEqualTo(types.subList(0, 7));
    JsonArray all = new JsonArray();
    for (int page = 1; page <= pages; page++) {
      all.addAll(get("/universe/types/?page=" + page).bodyAsJsonArray());
    }
    assertThat(longs(all)).isEqualTo(types);
    assertThat(get("/universe/types/?page=" + (pages + 1)).statusCode()).isEqualTo(404);
    assertThat(get("/universe/types/?page=-1").statusCode()).isEqualTo(400);
    assertThat(esi.requests().count(FakeEsi.TYPES)).isEqualTo(pages + 3);
    // The entity routes still answer next to the list routes.
    assertThat(get("/universe/types/" + types.get(0) + "/").bodyAsJsonObject().getLong("type_id"))
        .isEqualTo(types.get(0));
  }

  @Test
  void groupsArePagedWithXPages() throws Exception {
    List<Long> groups = universe.groupIds();
    int pages = (groups.size() + 2) / 3;
    HttpResponse<Buffer> first = get("/universe/groups/");
    assertThat(first.getHeader("X-Pages")).isEqualTo(Integer.toString(pages));
    assertThat(longs(first.bodyAsJsonArray())).isEqualTo(groups.subList(0, 3));
    JsonArray all = new JsonArray();
    for (int page = 1; page <= pages; page++) {
      all.addAll(get("/universe/groups/?page=" + page).bodyAsJsonArray());
    }
    assertThat(longs(all)).isEqualTo(groups);
    assertThat(get("/universe/groups/?page=" + (pages + 1)).statusCode()).isEqualTo(404);
    assertThat(get("/universe/groups/?page=zero").statusCode()).isEqualTo(400);
  }

  @Test
  void matchingIfNoneMatchGets304WithoutBody() throws Exception {
    long typeId = universe.typeIds().get(2);
    HttpResponse<Buffer> first = get("/universe/types/" + typeId + "/");
    String etag = first.getHeader("ETag");
    HttpResponse<Buffer> second =
        send(
            client
                .getAbs(esi.baseUrl() + "/universe/types/" + typeId + "/")
                .putHeader("If-None-Match", etag));
    assertThat(second.statusCode()).isEqualTo(304);
    assertThat(second.body() == null || second.body().length() == 0).isTrue();
    assertThat(second.getHeader("ETag")).isEqualTo(etag);
    HttpResponse<Buffer> stale =
        send(
            client
                .getAbs(esi.baseUrl() + "/universe/types/" + typeId + "/")
                .putHeader("If-None-Match", "\"something-else\""));
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(esi.errorsCounted()).isZero();
  }

  @Test
  void errorsAreCountedUntil420AndTheWindowResetEndsIt() throws Exception {
    esi.setErrorLimitRemain(5);
    for (int i = 4; i >= 0; i--) {
      HttpResponse<Buffer> r = get("/characters/2/");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.getHeader("X-ESI-Error-Limit-Remain")).isEqualTo(Integer.toString(i));
    }
    long known = universe.playerCharacterIds().get(0);
    HttpResponse<Buffer> limited = get("/characters/" + known + "/");
    assertThat(limited.statusCode()).isEqualTo(420);
    assertThat(limited.getHeader("X-ESI-Error-Limit-Remain")).isEqualTo("0");
    assertThat(get("/universe/races/").statusCode()).isEqualTo(420);
    assertThat(esi.errorLimitedAnswers()).isEqualTo(2);
    assertThat(esi.lowestErrorLimitRemainSent()).isZero();
    assertThat(esi.errorsCounted()).isEqualTo(5);

    clock.advance(Duration.ofSeconds(61));
    HttpResponse<Buffer> after = get("/characters/" + known + "/");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.getHeader("X-ESI-Error-Limit-Remain")).isEqualTo("20");
    assertThat(esi.errorLimitRemain()).isEqualTo(20);
  }

  @Test
  void injectedFaultsApplyToTheNextCallsOnly() throws Exception {
    long characterId = universe.playerCharacterIds().get(0);
    esi.faults()
        .inject(FakeEsi.CHARACTER, Fault.status(503), 2)
        .inject(FakeEsi.CHARACTER, Fault.tooManyRequests(Duration.ofMillis(1500)))
        .inject(FakeEsi.CHARACTER, Fault.malformedJson())
        .inject(FakeEsi.CHARACTER, Fault.body(200, "{\"name\": 5}"));
    assertThat(get("/characters/" + characterId + "/").statusCode()).isEqualTo(503);
    assertThat(get("/characters/" + characterId + "/").statusCode()).isEqualTo(503);
    HttpResponse<Buffer> tooMany = get("/characters/" + characterId + "/");
    assertThat(tooMany.statusCode()).isEqualTo(429);
    assertThat(tooMany.getHeader("Retry-After")).isEqualTo("2");
    HttpResponse<Buffer> broken = get("/characters/" + characterId + "/");
    assertThat(broken.statusCode()).isEqualTo(200);
    assertThatThrownBy(broken::bodyAsJsonObject)
        .isInstanceOf(io.vertx.core.json.DecodeException.class);
    assertThat(get("/characters/" + characterId + "/").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("name", 5));
    assertThat(get("/characters/" + characterId + "/").bodyAsJsonObject())
        .isEqualTo(universe.character(characterId).orElseThrow());
    assertThat(esi.requests().count(FakeEsi.CHARACTER)).isEqualTo(6);
    assertThat(esi.requests().of(FakeEsi.CHARACTER).stream().map(RecordedRequest::status).toList())
        .containsExactly(503, 503, 429, 200, 200, 200);
    // 503, 503 and 429 count against the error limit.
    assertThat(esi.errorsCounted()).isEqualTo(3);
  }

  @Test
  void slowAndDroppedAnswers() throws Exception {
    esi.faults()
        .inject(FakeEsi.RACES, Fault.delay(Duration.ofSeconds(2)))
        .inject(FakeEsi.RACES, Fault.disconnect());
    assertThatThrownBy(() -> send(client.getAbs(esi.baseUrl() + "/universe/races/").timeout(300)))
        .isInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> get("/universe/races/"))
        .isInstanceOf(io.vertx.core.VertxException.class);
    assertThat(get("/universe/races/").statusCode()).isEqualTo(200);
    assertThat(esi.requests().count(FakeEsi.RACES)).isEqualTo(3);
  }

  @Test
  void recentKillmailsNeedAValidTokenOfTheCharacterWithTheScope() throws Exception {
    long characterId =
        universe.playerCharacterIds().stream()
            .filter(id -> universe.killmailsOfCharacter(id).size() > 4)
            .findFirst()
            .orElseThrow();
    String path = "/characters/" + characterId + "/killmails/recent/";
    List<String> scope = List.of(FakeSso.SCOPE_CHARACTER_KILLMAILS);
    HttpResponse<Buffer> ok =
        send(
            client
                .getAbs(esi.baseUrl() + path)
                .bearerTokenAuthentication(sso.mintAccessToken(characterId, scope)));
    assertThat(ok.statusCode()).isEqualTo(200);
    List<Long> expected = universe.killmailsOfCharacter(characterId);
    assertThat(ok.getHeader("X-Pages")).isEqualTo(Integer.toString((expected.size() + 3) / 4));
    JsonObject firstEntry = ok.bodyAsJsonArray().getJsonObject(0);
    assertThat(firstEntry.getLong("killmail_id")).isEqualTo(expected.get(0));
    assertThat(firstEntry.getString("killmail_hash"))
        .isEqualTo(universe.killmail(expected.get(0)).orElseThrow().hash());

    assertThat(get(path).statusCode()).isEqualTo(401);
    assertThat(
            send(client
                    .getAbs(esi.baseUrl() + path)
                    .bearerTokenAuthentication(sso.mintExpiredAccessToken(characterId, scope)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            send(client
                    .getAbs(esi.baseUrl() + path)
                    .bearerTokenAuthentication(
                        sso.mintWronglySignedAccessToken(characterId, scope)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            send(client.getAbs(esi.baseUrl() + path).bearerTokenAuthentication("not.a.jwt"))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            send(client
                    .getAbs(esi.baseUrl() + path)
                    .bearerTokenAuthentication(sso.mintAccessToken(characterId + 1, scope)))
                .statusCode())
        .isEqualTo(403);
    assertThat(
            send(client
                    .getAbs(esi.baseUrl() + path)
                    .bearerTokenAuthentication(
                        sso.mintAccessToken(characterId, List.of("publicData"))))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void corporationKillmailsNeedTheCeo() throws Exception {
    long corpId = universe.playerCorporationIds().get(1);
    long ceo = universe.corporation(corpId).orElseThrow().getLong("ceo_id");
    String path = esi.baseUrl() + "/corporations/" + corpId + "/killmails/recent/";
    List<String> scope = List.of(FakeSso.SCOPE_CORPORATION_KILLMAILS);
    HttpResponse<Buffer> ok =
        send(client.getAbs(path).bearerTokenAuthentication(sso.mintAccessToken(ceo, scope)));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonArray().getJsonObject(0).getLong("killmail_id"))
        .isEqualTo(universe.killmailsOfCorporation(corpId).get(0));
    long member =
        universe.playerCharacterIds().stream()
            .filter(
                id ->
                    id != ceo
                        && universe.character(id).orElseThrow().getLong("corporation_id") == corpId)
            .findFirst()
            .orElse(ceo + 100_000);
    assertThat(
            send(client.getAbs(path).bearerTokenAuthentication(sso.mintAccessToken(member, scope)))
                .statusCode())
        .isEqualTo(403);
  }

  private static List<Long> longs(JsonArray array) {
    return array.stream().map(v -> ((Number) v).longValue()).toList();
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return send(client.getAbs(esi.baseUrl() + path));
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) throws Exception {
    return request.send().await(10, TimeUnit.SECONDS);
  }
}
