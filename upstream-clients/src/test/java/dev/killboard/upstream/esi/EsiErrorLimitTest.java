package dev.killboard.upstream.esi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.fake.FakeEsi;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.Fault;
import dev.killboard.fake.FaultInjector;
import dev.killboard.fake.ManualClock;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.upstream.TestSettings;
import dev.killboard.upstream.UpstreamNotFound;
import dev.killboard.upstream.UpstreamRetryable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ESI's error limit end to end: the fake counts errors, the client's gate keeps it away from 0. */
class EsiErrorLimitTest {
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
                            .errorLimit(100)
                            .errorWindow(Duration.ofSeconds(60))
                            .clock(clock)))
            .await(20, TimeUnit.SECONDS);
    esi = fakes.esi();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    // A fresh window on both sides: the fake's and (through a new client) the gate's.
    clock.advance(Duration.ofSeconds(120));
    esi.resetErrorLimit();
    esi.faults().clear();
    esi.requests().clear();
    client =
        new EsiClient(
            vertx,
            TestSettings.forFakes(fakes, "KILLBOARD_ESI_ERROR_LIMIT_MARGIN", "10"),
            new LocalErrorLimitGate(clock, 10),
            clock);
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void aBurstOfFailingCallsNeverBringsTheRemainToZero() throws Exception {
    esi.faults().inject(FaultInjector.ANY_ROUTE, Fault.status(404), 10_000);
    long characterId = universe.playerCharacterIds().get(0);
    List<Future<?>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(client.character(characterId));
    }
    int notFound = 0;
    int heldBack = 0;
    for (Future<?> call : calls) {
      try {
        call.await(30, TimeUnit.SECONDS);
      } catch (UpstreamNotFound e) {
        notFound++;
      } catch (UpstreamRetryable e) {
        assertThat(e.reason()).isEqualTo(UpstreamRetryable.Reason.ERROR_LIMIT_GUARD);
        assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(61));
        heldBack++;
      }
    }
    // ESI allows 100 errors; the gate keeps the margin of 10 in reserve.
    assertThat(notFound).isEqualTo(90);
    assertThat(heldBack).isEqualTo(110);
    assertThat(esi.errorsCounted()).isEqualTo(90);
    assertThat(esi.lowestErrorLimitRemainSent()).isEqualTo(10);
    assertThat(esi.errorLimitedAnswers()).isZero();
    assertThat(esi.requests().total()).isEqualTo(90);

    // Even a call that would succeed is not sent now: any answer could be an error.
    esi.faults().clear();
    assertThatThrownBy(() -> client.races().await(10, TimeUnit.SECONDS))
        .isInstanceOf(UpstreamRetryable.class);
    assertThat(esi.requests().total()).isEqualTo(90);

    clock.advance(Duration.ofSeconds(62));
    assertThat(client.races().await(10, TimeUnit.SECONDS)).isEqualTo(universe.races());
    assertThat(esi.errorLimitRemain()).isEqualTo(100);
  }

  @Test
  void afterA420NothingIsSentUntilTheWindowResets() throws Exception {
    esi.exhaustErrorLimit();
    long characterId = universe.playerCharacterIds().get(0);
    assertThatThrownBy(() -> client.character(characterId).await(10, TimeUnit.SECONDS))
        .isInstanceOf(UpstreamRetryable.class)
        .satisfies(
            e -> {
              UpstreamRetryable r = (UpstreamRetryable) e;
              assertThat(r.reason()).isEqualTo(UpstreamRetryable.Reason.ERROR_LIMITED);
              assertThat(r.retryAfter()).isPositive();
            });
    assertThat(esi.requests().total()).isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      Future<?> call = i % 2 == 0 ? client.races() : client.type(universe.typeIds().get(i));
      assertThatThrownBy(() -> call.await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamRetryable.class)
          .satisfies(
              e ->
                  assertThat(((UpstreamRetryable) e).reason())
                      .isEqualTo(UpstreamRetryable.Reason.ERROR_LIMIT_GUARD));
    }
    assertThat(esi.requests().total()).isEqualTo(1);
    assertThat(esi.errorLimitedAnswers()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(62));
    assertThat(client.character(characterId).await(10, TimeUnit.SECONDS).getString("name"))
        .isNotBlank();
    assertThat(esi.requests().total()).isEqualTo(2);
    assertThat(esi.errorLimitedAnswers()).isEqualTo(1);
  }

  @Test
  void errorsCausedByOthersOnTheSameIpAreRespectedToo() throws Exception {
    esi.setErrorLimitRemain(12);
    long characterId = universe.playerCharacterIds().get(0);
    assertThat(client.character(characterId).await(10, TimeUnit.SECONDS)).isNotNull();
    esi.faults().inject(FakeEsi.CHARACTER, Fault.status(500), 10);
    int sent = 0;
    for (int i = 0; i < 10; i++) {
      try {
        // Another character each time: a cached answer would need no request at all.
        client.character(universe.playerCharacterIds().get(i + 1)).await(10, TimeUnit.SECONDS);
      } catch (UpstreamRetryable e) {
        if (e.reason() == UpstreamRetryable.Reason.SERVER_ERROR) {
          sent++;
        }
      }
    }
    assertThat(sent).isEqualTo(2);
    assertThat(esi.errorLimitRemain()).isEqualTo(10);
    assertThat(esi.lowestErrorLimitRemainSent()).isEqualTo(10);
  }
}
