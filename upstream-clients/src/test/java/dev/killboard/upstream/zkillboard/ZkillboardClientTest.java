package dev.killboard.upstream.zkillboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.contracts.Zkb;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.FakeZkillboard;
import dev.killboard.fake.Fault;
import dev.killboard.fake.RecordedRequest;
import dev.killboard.fake.RequestJournal;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.upstream.TestSettings;
import dev.killboard.upstream.UpstreamMalformed;
import dev.killboard.upstream.UpstreamRetryable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZkillboardClientTest {
  private static Vertx vertx;
  private static FakeUniverse universe;
  private static FakeUpstreams fakes;
  private static FakeZkillboard zkb;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    universe = FakeUniverse.generate(UniverseSpec.tiny());
    fakes =
        FakeUpstreams.start(
                vertx, new FakeUpstreams.Options().universe(universe).zkillboardPageSize(3))
            .await(20, TimeUnit.SECONDS);
    zkb = fakes.zkillboard();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    zkb.faults().clear();
    zkb.requests().clear();
  }

  @Test
  void historyPagesGiveIdHashAndZkbUntilAnEmptyPage() throws Exception {
    try (ZkillboardClient client = new ZkillboardClient(vertx, TestSettings.forFakes(fakes))) {
      long characterId =
          universe.playerCharacterIds().stream()
              .filter(id -> universe.killmailsOfCharacter(id).size() > 3)
              .findFirst()
              .orElseThrow();
      List<ZkbKillmailRef> all = new ArrayList<>();
      int page = 1;
      for (List<ZkbKillmailRef> refs;
          !(refs = client.characterHistory(characterId, page).await(10, TimeUnit.SECONDS))
              .isEmpty();
          page++) {
        all.addAll(refs);
      }
      assertThat(all.stream().map(ZkbKillmailRef::killmailId).toList())
          .isEqualTo(universe.killmailsOfCharacter(characterId));
      assertThat(all)
          .allSatisfy(
              ref -> {
                assertThat(ref.hash())
                    .isEqualTo(universe.killmail(ref.killmailId()).orElseThrow().hash());
                JsonObject zkb = universe.killmail(ref.killmailId()).orElseThrow().zkb();
                assertThat(ref.zkb()).isEqualTo(Zkb.fromJson(zkb, "zkb"));
                assertThat(ref.zkb().toJson()).isEqualTo(zkb);
              });
      long corp = universe.playerCorporationIds().get(0);
      assertThat(client.corporationHistory(corp, 1).await(10, TimeUnit.SECONDS).get(0).killmailId())
          .isEqualTo(universe.killmailsOfCorporation(corp).get(0));
      long alliance = universe.allianceIds().get(0);
      assertThat(
              client.allianceHistory(alliance, 1).await(10, TimeUnit.SECONDS).get(0).killmailId())
          .isEqualTo(universe.killmailsOfAlliance(alliance).get(0));

      List<RecordedRequest> requests = zkb.requests().all();
      assertThat(requests)
          .allSatisfy(
              r -> {
                assertThat(r.uri()).endsWith("/");
                assertThat(r.header("Accept-Encoding")).contains("gzip");
                assertThat(r.header("User-Agent")).isEqualTo(TestSettings.USER_AGENT);
              });
      assertThat(zkb.requests().count(RequestJournal.UNMATCHED)).isZero();
      assertThat(zkb.gzippedResponses()).isGreaterThanOrEqualTo(requests.size());
    }
  }

  @Test
  void dayHashesListEveryKillmailOfThatUtcDayAndRefuseBrokenDumps() throws Exception {
    try (ZkillboardClient client = new ZkillboardClient(vertx, TestSettings.forFakes(fakes))) {
      var first = universe.killmail(universe.killmailIds().get(0)).orElseThrow();
      java.time.LocalDate day =
          java.time.OffsetDateTime.parse(first.esi().getString("killmail_time"))
              .atZoneSameInstant(java.time.ZoneOffset.UTC)
              .toLocalDate();
      Map<Long, String> expected = new HashMap<>();
      for (long id : universe.killmailIds()) {
        var km = universe.killmail(id).orElseThrow();
        if (java.time.OffsetDateTime.parse(km.esi().getString("killmail_time"))
            .atZoneSameInstant(java.time.ZoneOffset.UTC)
            .toLocalDate()
            .equals(day)) {
          expected.put(id, km.hash());
        }
      }
      assertThat(client.dayHashes(day).await(10, TimeUnit.SECONDS))
          .isEqualTo(expected)
          .containsKey(first.killmailId());
      assertThat(zkb.requests().last().uri())
          .endsWith("/history/" + day.toString().replace("-", "") + ".json");

      zkb.faults()
          .inject(FakeZkillboard.DAY_HASHES, Fault.body(200, "{\"12\": \"nothex\"}"))
          .inject(
              FakeZkillboard.DAY_HASHES, Fault.body(200, "{\"abc\": \"" + "a".repeat(40) + "\"}"))
          .inject(FakeZkillboard.DAY_HASHES, Fault.body(200, "[]"));
      assertThatThrownBy(() -> client.dayHashes(day).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class);
      assertThatThrownBy(() -> client.dayHashes(day).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class)
          .hasMessageContaining("not a killmail id");
      assertThatThrownBy(() -> client.dayHashes(day).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class);
    }
  }

  @Test
  void requestsAreSpacedToThePoliteRate() throws Exception {
    try (ZkillboardClient client =
        new ZkillboardClient(
            vertx, TestSettings.forFakes(fakes, "KILLBOARD_ZKB_REQUESTS_PER_SECOND", "5"))) {
      long characterId = universe.playerCharacterIds().get(0);
      List<io.vertx.core.Future<List<ZkbKillmailRef>>> calls = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        calls.add(client.characterHistory(characterId, 1));
      }
      for (io.vertx.core.Future<List<ZkbKillmailRef>> call : calls) {
        call.await(10, TimeUnit.SECONDS);
      }
      List<RecordedRequest> requests = zkb.requests().all();
      assertThat(requests).hasSize(4);
      for (int i = 1; i < requests.size(); i++) {
        // 5 requests/s: the i-th request leaves no earlier than i * 200 ms after the calls were
        // made.
        assertThat(requests.get(i).receivedNanos() - start)
            .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200L * i));
      }
    }
  }

  @Test
  void failuresAreTyped() {
    try (ZkillboardClient client = new ZkillboardClient(vertx, TestSettings.forFakes(fakes))) {
      long characterId = universe.playerCharacterIds().get(0);
      zkb.faults()
          .inject(FakeZkillboard.HISTORY, Fault.body(200, "[{\"killmail_id\": 5}]"))
          .inject(
              FakeZkillboard.HISTORY,
              Fault.body(200, "[{\"killmail_id\": 5, \"zkb\": {\"hash\": \"nothex\"}}]"))
          .inject(
              FakeZkillboard.HISTORY,
              Fault.body(200, "[{\"killmail_id\": 5, \"zkb\": {\"totalValue\": 1.0}}]"))
          .inject(
              FakeZkillboard.HISTORY,
              Fault.body(
                  200,
                  "[{\"killmail_id\": 5, \"zkb\": {\"hash\": \""
                      + "a".repeat(40)
                      + "\", \"totalValue\": -1.0}}]"))
          .inject(FakeZkillboard.HISTORY, Fault.malformedJson())
          .inject(FakeZkillboard.HISTORY, Fault.tooManyRequests(Duration.ofSeconds(7)))
          .inject(FakeZkillboard.HISTORY, Fault.status(502));
      assertThatThrownBy(() -> client.characterHistory(characterId, 1).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class)
          .hasMessageContaining("'[0].zkb' is missing");
      assertThatThrownBy(() -> client.characterHistory(characterId, 1).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class)
          .hasMessageContaining("[0].zkb.hash 'nothex' is not 40 hexadecimal digits");
      // The contract's one zkb check (Zkb.fromJson), the backfill's too; zKillboard's own answers
      // must carry the hash.
      assertThatThrownBy(() -> client.characterHistory(characterId, 1).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class)
          .hasMessageContaining("missing [0].zkb.hash");
      assertThatThrownBy(() -> client.characterHistory(characterId, 1).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class)
          .hasMessageContaining("[0].zkb.totalValue must not be negative");
      assertThatThrownBy(() -> client.characterHistory(characterId, 1).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class);
      assertThatThrownBy(() -> client.characterHistory(characterId, 1).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamRetryable.class)
          .satisfies(
              e -> {
                assertThat(((UpstreamRetryable) e).reason())
                    .isEqualTo(UpstreamRetryable.Reason.RATE_LIMITED);
                assertThat(((UpstreamRetryable) e).retryAfter()).isEqualTo(Duration.ofSeconds(7));
              });
      assertThatThrownBy(() -> client.characterHistory(characterId, 1).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamRetryable.class)
          .satisfies(
              e ->
                  assertThat(((UpstreamRetryable) e).reason())
                      .isEqualTo(UpstreamRetryable.Reason.SERVER_ERROR));
      assertThatThrownBy(() -> client.characterHistory(characterId, 0).await(10, TimeUnit.SECONDS))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
