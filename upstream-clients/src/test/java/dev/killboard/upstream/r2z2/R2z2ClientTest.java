package dev.killboard.upstream.r2z2;

import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.Env;
import dev.killboard.contracts.EsiKillmail;
import dev.killboard.contracts.Zkb;
import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeR2z2;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.Fault;
import dev.killboard.fake.RecordedRequest;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.upstream.TestSettings;
import dev.killboard.upstream.UpstreamMalformed;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class R2z2ClientTest {
  private static Vertx vertx;
  private static FakeUniverse universe;
  private static FakeUpstreams fakes;
  private static FakeR2z2 r2z2;
  private static UpstreamSettings settings;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    universe = FakeUniverse.generate(UniverseSpec.tiny());
    fakes =
        FakeUpstreams.start(vertx, new FakeUpstreams.Options().universe(universe))
            .await(20, TimeUnit.SECONDS);
    r2z2 = fakes.r2z2();
    settings = TestSettings.forFakes(fakes, "KILLBOARD_R2Z2_NOT_FOUND_WAIT", "300ms");
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    r2z2.faults().clear();
    r2z2.requests().clear();
  }

  @Test
  void fetchGivesPublishedEntriesAndEmptyForUnpublishedOnes() throws Exception {
    try (R2z2Client client = new R2z2Client(vertx, settings)) {
      long next = r2z2.latestSequence() + 1;
      assertThat(client.fetch(next).await(10, TimeUnit.SECONDS)).isEmpty();
      long sequence = r2z2.publishNew(1).get(0);
      assertThat(sequence).isEqualTo(next);
      assertThat(client.currentSequence().await(10, TimeUnit.SECONDS)).isEqualTo(sequence);
      R2z2Killmail entry = client.fetch(sequence).await(10, TimeUnit.SECONDS).orElseThrow();
      FakeKillmail km = universe.killmail(entry.killmailId()).orElseThrow();
      assertThat(entry.sequence()).isEqualTo(sequence);
      assertThat(entry.killmail())
          .isEqualTo(
              EsiKillmail.fromJson(
                  km.killmailId(), km.hash(), km.esi(), Zkb.fromJson(km.zkb(), "zkb")));
      assertThat(entry.killmail().zkb().totalValue()).isEqualTo(km.zkb().getDouble("totalValue"));
      assertThat(r2z2.requests().all())
          .allSatisfy(r -> assertThat(r.header("User-Agent")).isEqualTo(TestSettings.USER_AGENT));
    }
  }

  @Test
  void brokenEntriesAndBansAreTyped() {
    try (R2z2Client client = new R2z2Client(vertx, settings)) {
      long sequence = r2z2.publishNew(1).get(0);
      FakeKillmail km =
          universe.killmail(universe.killmailIds().get(universe.killmailCount() - 1)).orElseThrow();
      String wrongHash = km.r2z2Entry("x").put("hash", "f".repeat(40)).encode();
      String victimless = km.r2z2Entry("x").encode().replace("\"victim\"", "\"casualty\"");
      r2z2.faults()
          .inject(FakeR2z2.ENTRY, Fault.body(200, wrongHash))
          .inject(FakeR2z2.ENTRY, Fault.body(200, victimless))
          .inject(FakeR2z2.ENTRY, Fault.malformedJson())
          .inject(FakeR2z2.ENTRY, Fault.status(403));
      assertThatThrownBy(() -> client.fetch(sequence).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class)
          .hasMessageContaining("'hash' and 'zkb.hash' differ");
      assertThatThrownBy(() -> client.fetch(sequence).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class)
          .hasMessageContaining("missing victim");
      assertThatThrownBy(() -> client.fetch(sequence).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamMalformed.class);
      assertThatThrownBy(() -> client.fetch(sequence).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamRetryable.class)
          .satisfies(
              e -> {
                assertThat(((UpstreamRetryable) e).reason())
                    .isEqualTo(UpstreamRetryable.Reason.BANNED);
                assertThat(((UpstreamRetryable) e).retryAfter()).isEqualTo(Duration.ofHours(1));
              });
    }
  }

  @Test
  void thePolicyWaitsOn404AndRetriesTheSameSequence() {
    R2z2PollingPolicy policy =
        R2z2PollingPolicy.from(
            Env.read(
                Map.of(UpstreamSettings.USER_AGENT, TestSettings.USER_AGENT),
                UpstreamSettings::from));
    assertThat(policy.notFoundWait()).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
    assertThat(policy.afterNotFound(500, Optional.of(480L)))
        .isEqualTo(new R2z2PollingPolicy.Step(500, Duration.ofSeconds(6)));
    assertThat(policy.afterNotFound(500, Optional.empty()))
        .isEqualTo(new R2z2PollingPolicy.Step(500, Duration.ofSeconds(6)));
    // Published before (sequence.json is past it) but gone: move on instead of waiting forever.
    assertThat(policy.afterNotFound(500, Optional.of(520L)))
        .isEqualTo(new R2z2PollingPolicy.Step(501, Duration.ZERO));
    assertThat(policy.afterPublished(500))
        .isEqualTo(new R2z2PollingPolicy.Step(501, Duration.ZERO));
    assertThat(policy.startSequence(OptionalLong.of(700), 900)).isEqualTo(701);
    assertThat(policy.startSequence(OptionalLong.empty(), 900)).isEqualTo(900);
    UpstreamRetryable busy =
        new UpstreamRetryable(
            dev.killboard.upstream.UpstreamService.R2Z2,
            "x",
            UpstreamRetryable.Reason.RATE_LIMITED,
            Duration.ofSeconds(9),
            null,
            null);
    assertThat(policy.afterFailure(500, busy, 1))
        .isEqualTo(new R2z2PollingPolicy.Step(500, Duration.ofSeconds(9)));
    UpstreamMalformed broken =
        new UpstreamMalformed(dev.killboard.upstream.UpstreamService.R2Z2, "x", "bad", null);
    assertThat(policy.afterFailure(500, broken, 1).sequence()).isEqualTo(500);
    assertThat(
            policy
                .afterFailure(500, broken, R2z2PollingPolicy.MAX_ATTEMPTS_PER_SEQUENCE)
                .sequence())
        .isEqualTo(501);
    assertThat(policy.afterHandlerFailure(500, 50))
        .isEqualTo(new R2z2PollingPolicy.Step(500, Duration.ofMinutes(1)));
  }

  @Test
  void thePollerDeliversInOrderWaitsOn404AndRetriesTheSameSequence() throws Exception {
    try (R2z2Client client = new R2z2Client(vertx, settings)) {
      List<Long> published = r2z2.publishNew(3);
      List<R2z2Killmail> received = new CopyOnWriteArrayList<>();
      R2z2Poller poller = new R2z2Poller(vertx, client, R2z2PollingPolicy.from(settings));
      Future<Void> stopped =
          poller.start(
              published.get(0),
              km -> {
                received.add(km);
                return Future.succeededFuture();
              });
      long waitingFor = published.get(2) + 1;
      String uri = "/ephemeral/" + waitingFor + ".json";
      eventually(
          Duration.ofSeconds(15),
          "three requests of the entry",
          () ->
              r2z2.requests().of(FakeR2z2.ENTRY).stream().filter(r -> r.uri().equals(uri)).count()
                  >= 3);
      assertThat(received.stream().map(R2z2Killmail::sequence).toList()).isEqualTo(published);
      long later = r2z2.publishNew(1).get(0);
      assertThat(later).isEqualTo(waitingFor);
      eventually(Duration.ofSeconds(15), "four entries received", () -> received.size() == 4);
      poller.stop();
      stopped.await(10, TimeUnit.SECONDS);

      assertThat(received.get(3).sequence()).isEqualTo(waitingFor);
      List<RecordedRequest> retries =
          r2z2.requests().of(FakeR2z2.ENTRY).stream().filter(r -> r.uri().equals(uri)).toList();
      assertThat(retries.subList(0, retries.size() - 1))
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(404));
      assertThat(retries.get(retries.size() - 1).status()).isEqualTo(200);
      for (int i = 1; i < retries.size(); i++) {
        assertThat(retries.get(i).receivedNanos() - retries.get(i - 1).receivedNanos())
            .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(290));
      }
      assertThat(r2z2.requests().count(FakeR2z2.SEQUENCE)).isPositive();
      assertThat(received.stream().map(R2z2Killmail::killmailId).distinct().count()).isEqualTo(4);
    }
  }

  @Test
  void aFailingHandlerGetsTheSameEntryAgainAndARestartResumesAfterTheLastStored() throws Exception {
    try (R2z2Client client = new R2z2Client(vertx, settings)) {
      List<Long> published = r2z2.publishNew(3);
      List<Long> stored = new CopyOnWriteArrayList<>();
      Promise<Void> twoStored = Promise.promise();
      int[] calls = {0};
      R2z2Poller first = new R2z2Poller(vertx, client, R2z2PollingPolicy.from(settings));
      Future<Void> firstStopped =
          first.start(
              published.get(0),
              km -> {
                if (calls[0]++ == 1) {
                  return Future.failedFuture(new IllegalStateException("database down"));
                }
                stored.add(km.sequence());
                if (stored.size() == 2) {
                  first.stop();
                  twoStored.tryComplete();
                }
                return Future.succeededFuture();
              });
      twoStored.future().await(10, TimeUnit.SECONDS);
      firstStopped.await(10, TimeUnit.SECONDS);
      assertThat(stored).containsExactly(published.get(0), published.get(1));

      R2z2PollingPolicy policy = R2z2PollingPolicy.from(settings);
      long resume =
          policy.startSequence(
              OptionalLong.of(stored.get(stored.size() - 1)),
              client.currentSequence().await(10, TimeUnit.SECONDS));
      assertThat(resume).isEqualTo(published.get(2));
      Promise<Long> next = Promise.promise();
      R2z2Poller second = new R2z2Poller(vertx, client, policy);
      Future<Void> secondStopped =
          second.start(
              resume,
              km -> {
                next.tryComplete(km.sequence());
                second.stop();
                return Future.succeededFuture();
              });
      assertThat(next.future().await(10, TimeUnit.SECONDS)).isEqualTo(published.get(2));
      secondStopped.await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anExpiredSequenceIsSkippedInsteadOfAwaitedForever() throws Exception {
    try (R2z2Client client = new R2z2Client(vertx, settings)) {
      List<Long> published = r2z2.publishNew(2);
      r2z2.discardUpTo(published.get(0));
      Promise<Long> first = Promise.promise();
      R2z2Poller poller = new R2z2Poller(vertx, client, R2z2PollingPolicy.from(settings));
      Future<Void> stopped =
          poller.start(
              published.get(0),
              km -> {
                first.tryComplete(km.sequence());
                poller.stop();
                return Future.succeededFuture();
              });
      assertThat(first.future().await(10, TimeUnit.SECONDS)).isEqualTo(published.get(1));
      stopped.await(10, TimeUnit.SECONDS);
    }
  }
}
