package dev.killboard.upstream.esi;

import static dev.killboard.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.fake.FakeEsi;
import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeSso;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.Fault;
import dev.killboard.fake.ManualClock;
import dev.killboard.fake.RecordedRequest;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.upstream.TestSettings;
import dev.killboard.upstream.UpstreamMalformed;
import dev.killboard.upstream.UpstreamNotFound;
import dev.killboard.upstream.UpstreamRejected;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EsiClientTest {
  private static Vertx vertx;
  private static FakeUniverse universe;
  private static FakeUpstreams fakes;
  private static ManualClock clock;
  private static FakeEsi esi;
  private EsiClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    universe = FakeUniverse.generate(UniverseSpec.tiny());
    clock = ManualClock.atNow();
    fakes =
        FakeUpstreams.start(
                vertx,
                new FakeUpstreams.Options()
                    .universe(universe)
                    .esi(
                        new FakeEsi.Options()
                            .groupsPageSize(3)
                            .typesPageSize(9)
                            .recentKillmailsPageSize(4)
                            .cacheSeconds(300)
                            .clock(clock)))
            .await(20, TimeUnit.SECONDS);
    esi = fakes.esi();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void freshClient() {
    esi.resetErrorLimit();
    esi.faults().clear();
    esi.requests().clear();
    client = newClient(TestSettings.forFakes(fakes));
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private EsiClient newClient(UpstreamSettings settings) {
    return new EsiClient(
        vertx, settings, new LocalErrorLimitGate(clock, settings.esiErrorLimitMargin()), clock);
  }

  @Test
  void everyRouteReturnsTheUniverseValidated() throws Exception {
    long characterId = universe.playerCharacterIds().get(1);
    assertThat(await(client.character(characterId)))
        .isEqualTo(universe.character(characterId).orElseThrow());
    long corpId = universe.playerCorporationIds().get(2);
    assertThat(await(client.corporation(corpId)))
        .isEqualTo(universe.corporation(corpId).orElseThrow());
    long allianceId = universe.allianceIds().get(0);
    assertThat(await(client.alliance(allianceId)))
        .isEqualTo(universe.alliance(allianceId).orElseThrow());
    assertThat(await(client.allianceCorporations(allianceId)))
        .isEqualTo(universe.allianceCorporations(allianceId).orElseThrow());
    long typeId = universe.typeIds().get(3);
    assertThat(await(client.type(typeId))).isEqualTo(universe.type(typeId).orElseThrow());
    long groupId = universe.groupIds().get(2);
    assertThat(await(client.group(groupId))).isEqualTo(universe.group(groupId).orElseThrow());
    assertThat(await(client.category(6)).getString("name")).isEqualTo("Ship");
    assertThat(await(client.regionIds())).isEqualTo(universe.regionIds());
    long regionId = universe.regionIds().get(1);
    assertThat(await(client.region(regionId))).isEqualTo(universe.region(regionId).orElseThrow());
    assertThat(await(client.constellationIds())).isEqualTo(universe.constellationIds());
    long constellationId = universe.constellationIds().get(1);
    assertThat(await(client.constellation(constellationId)))
        .isEqualTo(universe.constellation(constellationId).orElseThrow());
    assertThat(await(client.systemIds())).isEqualTo(universe.systemIds());
    long systemId = universe.systemIds().get(4);
    assertThat(await(client.system(systemId))).isEqualTo(universe.system(systemId).orElseThrow());
    assertThat(await(client.races())).isEqualTo(universe.races());
    assertThat(await(client.bloodlines())).isEqualTo(universe.bloodlines());
    FakeKillmail km = universe.killmail(universe.killmailIds().get(9)).orElseThrow();
    EsiKillmail read = await(client.killmail(km.killmailId(), km.hash()));
    assertThat(read).isEqualTo(EsiKillmail.fromJson(km.killmailId(), km.hash(), km.esi(), null));
    assertThat(read.toJson()).isEqualTo(km.esi());
    RecordedRequest last = esi.requests().last();
    assertThat(last.header("User-Agent")).isEqualTo(TestSettings.USER_AGENT);
  }

  @Test
  void allGroupIdsReadsEveryPageXPagesAnnounces() throws Exception {
    List<Long> groups = await(client.allGroupIds());
    assertThat(groups).isEqualTo(universe.groupIds());
    int pages = (universe.groupIds().size() + 2) / 3;
    assertThat(pages).isGreaterThan(1);
    assertThat(esi.requests().count(FakeEsi.GROUPS)).isEqualTo(pages);
    EsiPage<Long> second = await(client.groupIdsPage(2));
    assertThat(second.items()).isEqualTo(universe.groupIds().subList(3, 6));
    assertThat(second.pages()).isEqualTo(pages);
    assertThat(second.hasNext()).isEqualTo(pages > 2);
  }

  @Test
  void listsEveryAllianceCategoryAndTypeId() throws Exception {
    assertThat(await(client.allianceIds())).isEqualTo(universe.allianceIds()).isNotEmpty();
    assertThat(await(client.categoryIds())).isEqualTo(universe.categoryIds()).contains(6L);
    assertThat(esi.requests().count(FakeEsi.ALLIANCES)).isEqualTo(1);
    assertThat(esi.requests().count(FakeEsi.CATEGORIES)).isEqualTo(1);

    List<Long> types = await(client.allTypeIds());
    assertThat(types).isEqualTo(universe.typeIds());
    int pages = (universe.typeIds().size() + 8) / 9;
    assertThat(pages).isGreaterThan(1);
    assertThat(esi.requests().count(FakeEsi.TYPES)).isEqualTo(pages);
    EsiPage<Long> second = await(client.typeIdsPage(2));
    assertThat(second.items()).isEqualTo(universe.typeIds().subList(9, 18));
    assertThat(second.pages()).isEqualTo(pages);
    assertThatThrownBy(() -> await(client.typeIdsPage(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedIdListsAreRejectedNamingTheUrl() {
    esi.faults()
        .inject(FakeEsi.ALLIANCES, Fault.body(200, "{\"ids\":[1]}"))
        .inject(FakeEsi.CATEGORIES, Fault.body(200, "[6,-1]"))
        .inject(FakeEsi.TYPES, Fault.body(200, "[34,\"35\"]"));
    assertThatThrownBy(() -> await(client.allianceIds()))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("/alliances/");
    assertThatThrownBy(() -> await(client.categoryIds()))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("/universe/categories/");
    assertThatThrownBy(() -> await(client.allTypeIds()))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("/universe/types/");
  }

  @Test
  void recentKillmailsReadEveryPageWithTheToken() throws Exception {
    long characterId =
        universe.playerCharacterIds().stream()
            .filter(id -> universe.killmailsOfCharacter(id).size() > 4)
            .findFirst()
            .orElseThrow();
    String token =
        fakes.sso().mintAccessToken(characterId, List.of(FakeSso.SCOPE_CHARACTER_KILLMAILS));
    List<KillmailRef> refs = await(client.allCharacterRecentKillmails(characterId, token));
    List<Long> expected = universe.killmailsOfCharacter(characterId);
    assertThat(refs.stream().map(KillmailRef::killmailId).toList()).isEqualTo(expected);
    assertThat(refs)
        .allSatisfy(
            r ->
                assertThat(r.hash())
                    .isEqualTo(universe.killmail(r.killmailId()).orElseThrow().hash()));
    assertThat(esi.requests().count(FakeEsi.CHARACTER_RECENT_KILLMAILS))
        .isEqualTo((expected.size() + 3) / 4);
    assertThat(esi.requests().last().header("Authorization")).isEqualTo("Bearer " + token);

    long corpId = universe.playerCorporationIds().get(0);
    long ceo = universe.corporation(corpId).orElseThrow().getLong("ceo_id");
    String director =
        fakes.sso().mintAccessToken(ceo, List.of(FakeSso.SCOPE_CORPORATION_KILLMAILS));
    assertThat(
            await(client.allCorporationRecentKillmails(corpId, director)).stream()
                .map(KillmailRef::killmailId)
                .toList())
        .isEqualTo(universe.killmailsOfCorporation(corpId));

    String expired =
        fakes.sso().mintExpiredAccessToken(characterId, List.of(FakeSso.SCOPE_CHARACTER_KILLMAILS));
    assertThatThrownBy(() -> await(client.characterRecentKillmails(characterId, expired, 1)))
        .isInstanceOf(UpstreamRejected.class)
        .satisfies(e -> assertThat(((UpstreamRejected) e).status()).isEqualTo(401))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(expired));
  }

  @Test
  void notFoundAndRejectedAreTypedAndArgumentsAreChecked() {
    assertThatThrownBy(() -> await(client.character(2)))
        .isInstanceOf(UpstreamNotFound.class)
        .hasMessageContaining("404")
        .hasMessageContaining("Character not found");
    long id = universe.killmailIds().get(0);
    assertThatThrownBy(() -> await(client.killmail(id, "a".repeat(40))))
        .isInstanceOf(UpstreamRejected.class)
        .hasMessageContaining("422");
    assertThatThrownBy(() -> await(client.killmail(id, "../../characters/1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> await(client.character(-5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(esi.requests().total()).isEqualTo(2);
  }

  @Test
  void serverErrorsTimeoutsAndDroppedConnectionsAreRetryable() throws Exception {
    long characterId = universe.playerCharacterIds().get(0);
    client.close();
    client =
        newClient(TestSettings.forFakes(fakes, "KILLBOARD_UPSTREAM_REQUEST_TIMEOUT", "1000ms"));
    // Warm the connection so the timeout below measures the fake's delay only.
    await(client.races());
    esi.faults()
        .inject(FakeEsi.CHARACTER, Fault.status(503))
        .inject(FakeEsi.CHARACTER, Fault.delay(Duration.ofMillis(3000)))
        .inject(FakeEsi.CHARACTER, Fault.disconnect());
    assertThatThrownBy(() -> await(client.character(characterId)))
        .isInstanceOf(UpstreamRetryable.class)
        .satisfies(
            e ->
                assertThat(((UpstreamRetryable) e).reason())
                    .isEqualTo(UpstreamRetryable.Reason.SERVER_ERROR));
    assertThatThrownBy(() -> await(client.character(characterId)))
        .isInstanceOf(UpstreamRetryable.class)
        .satisfies(
            e ->
                assertThat(((UpstreamRetryable) e).reason())
                    .isEqualTo(UpstreamRetryable.Reason.TIMEOUT));
    assertThatThrownBy(() -> await(client.character(characterId)))
        .isInstanceOf(UpstreamRetryable.class)
        .satisfies(
            e ->
                assertThat(((UpstreamRetryable) e).reason())
                    .isEqualTo(UpstreamRetryable.Reason.CONNECTION));
    assertThat(client.gate().snapshot().inFlight()).isZero();
    assertThat(await(client.character(characterId)).getString("name")).isNotBlank();
  }

  @Test
  void brokenOrIncompleteJsonIsMalformedAndNamesTheProblem() {
    long characterId = universe.playerCharacterIds().get(0);
    esi.faults()
        .inject(FakeEsi.CHARACTER, Fault.malformedJson())
        .inject(FakeEsi.CHARACTER, Fault.body(200, "{\"name\":\"Someone\"}"))
        .inject(
            FakeEsi.CHARACTER,
            Fault.body(200, "{\"name\":\"Someone\",\"corporation_id\":\"98000001\"}"))
        .inject(FakeEsi.CHARACTER, Fault.body(200, "[1,2]"));
    assertThatThrownBy(() -> await(client.character(characterId)))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> await(client.character(characterId)))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("field 'corporation_id' is missing");
    assertThatThrownBy(() -> await(client.character(characterId)))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("field 'corporation_id' must be an integer, got \"98000001\"");
    assertThatThrownBy(() -> await(client.character(characterId)))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("expected a JSON object, got an array");

    FakeKillmail km = universe.killmail(universe.killmailIds().get(1)).orElseThrow();
    JsonObject broken = km.esi().copy();
    broken.getJsonArray("attackers").clear();
    esi.faults().inject(FakeEsi.KILLMAIL, Fault.body(200, broken.encode()));
    assertThatThrownBy(() -> await(client.killmail(km.killmailId(), km.hash())))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("attackers must hold 1 to 32767 entries, has 0");
    JsonObject otherId = km.esi().copy().put("killmail_id", km.killmailId() + 1);
    esi.faults().inject(FakeEsi.KILLMAIL, Fault.body(200, otherId.encode()));
    assertThatThrownBy(() -> await(client.killmail(km.killmailId(), km.hash())))
        .isInstanceOf(UpstreamMalformed.class)
        .hasMessageContaining("was asked for");
  }

  @Test
  void freshAnswersComeFromTheCacheAndStaleOnesAreRevalidatedWith304() throws Exception {
    long typeId = universe.typeIds().get(7);
    JsonObject first = await(client.type(typeId));
    assertThat(await(client.type(typeId))).isEqualTo(first);
    assertThat(esi.requests().count(FakeEsi.TYPE)).isEqualTo(1);
    assertThat(client.cacheStats().hits()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(301));
    assertThat(await(client.type(typeId))).isEqualTo(first);
    List<RecordedRequest> requests = esi.requests().of(FakeEsi.TYPE);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).header("If-None-Match")).isNotBlank();
    assertThat(requests.get(1).status()).isEqualTo(304);
    assertThat(client.cacheStats().revalidations()).isEqualTo(1);

    // The 304 renewed the expiry: the next call needs no request.
    assertThat(await(client.type(typeId))).isEqualTo(first);
    assertThat(esi.requests().count(FakeEsi.TYPE)).isEqualTo(2);
    assertThat(esi.errorsCounted()).isZero();
  }

  @Test
  void a429WithAShortRetryAfterIsWaitedOutInline() throws Exception {
    esi.faults().inject(FakeEsi.RACES, Fault.tooManyRequests(Duration.ofSeconds(1)));
    assertThat(await(client.races())).isEqualTo(universe.races());
    List<RecordedRequest> requests = esi.requests().of(FakeEsi.RACES);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).status()).isEqualTo(429);
    assertThat(requests.get(1).receivedNanos() - requests.get(0).receivedNanos())
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(990));
  }

  @Test
  void a429WithALongRetryAfterFailsAndHoldsBackLaterCallsUntilItPassed() throws Exception {
    esi.faults().inject(FakeEsi.RACES, Fault.tooManyRequests(Duration.ofSeconds(30)));
    assertThatThrownBy(() -> await(client.races()))
        .isInstanceOf(UpstreamRetryable.class)
        .satisfies(
            e -> {
              UpstreamRetryable r = (UpstreamRetryable) e;
              assertThat(r.reason()).isEqualTo(UpstreamRetryable.Reason.RATE_LIMITED);
              assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(30));
            });
    assertThatThrownBy(() -> await(client.bloodlines()))
        .isInstanceOf(UpstreamRetryable.class)
        .satisfies(
            e ->
                assertThat(((UpstreamRetryable) e).reason())
                    .isEqualTo(UpstreamRetryable.Reason.RATE_LIMITED));
    assertThat(esi.requests().total()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(31));
    assertThat(await(client.bloodlines())).isEqualTo(universe.bloodlines());
    assertThat(esi.requests().total()).isEqualTo(2);
  }

  @Test
  void theCompatibilityDateIsSentWhenConfigured() throws Exception {
    try (EsiClient dated =
        newClient(TestSettings.forFakes(fakes, "KILLBOARD_ESI_COMPATIBILITY_DATE", "2025-08-26"))) {
      await(dated.regionIds());
      assertThat(esi.requests().last().header("X-Compatibility-Date")).isEqualTo("2025-08-26");
    }
  }
}
