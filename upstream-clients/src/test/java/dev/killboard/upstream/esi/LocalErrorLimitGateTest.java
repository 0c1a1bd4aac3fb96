package dev.killboard.upstream.esi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.fake.ManualClock;
import dev.killboard.upstream.UpstreamRetryable;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LocalErrorLimitGateTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-05-01T12:00:00Z"));
  private final LocalErrorLimitGate gate = new LocalErrorLimitGate(clock, 10);

  @Test
  void whileTheRemainIsUnknownOneRequestProbesAtATime() {
    Future<Void> first = gate.acquire();
    Future<Void> second = gate.acquire();
    assertThat(first.succeeded()).isTrue();
    assertThat(second.isComplete()).isFalse();
    gate.release(new ErrorLimitObservation(200, 100, 60));
    assertThat(second.succeeded()).isTrue();
    assertThat(gate.snapshot().remain()).isEqualTo(100);
    assertThat(gate.snapshot().inFlight()).isEqualTo(1);
  }

  @Test
  void requestsInFlightCountAsPossibleErrorsSoTheMarginHolds() {
    primeWith(12);
    Future<Void> a = gate.acquire();
    Future<Void> b = gate.acquire();
    Future<Void> c = gate.acquire();
    assertThat(a.succeeded()).isTrue();
    assertThat(b.succeeded()).isTrue();
    // 12 - 2 in flight = 10, not above the margin: c waits for the answers.
    assertThat(c.isComplete()).isFalse();
    gate.release(new ErrorLimitObservation(404, 11, 50));
    assertThat(c.isComplete()).isFalse();
    gate.release(new ErrorLimitObservation(500, 10, 50));
    // Both failed: 10 left, as many as the margin; c is refused until the window resets.
    assertThat(c.failed()).isTrue();
    UpstreamRetryable refusal = (UpstreamRetryable) c.cause();
    assertThat(refusal.reason()).isEqualTo(UpstreamRetryable.Reason.ERROR_LIMIT_GUARD);
    assertThat(refusal.retryAfter()).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(51));
    assertThat(gate.acquire().failed()).isTrue();
  }

  @Test
  void successfulAnswersFreeTheirSlot() {
    primeWith(12);
    gate.acquire();
    gate.acquire();
    Future<Void> waiting = gate.acquire();
    gate.release(new ErrorLimitObservation(200, 12, 50));
    assertThat(waiting.succeeded()).isTrue();
  }

  @Test
  void after420NothingIsAdmittedUntilTheResetThenOneProbe() {
    primeWith(50);
    gate.acquire();
    gate.release(new ErrorLimitObservation(420, 0, 30));
    Future<Void> refused = gate.acquire();
    assertThat(refused.failed()).isTrue();
    assertThat(((UpstreamRetryable) refused.cause()).retryAfter())
        .isEqualTo(Duration.ofSeconds(31));
    clock.advance(Duration.ofSeconds(30));
    assertThat(gate.acquire().failed()).isTrue();
    clock.advance(Duration.ofSeconds(2));
    assertThat(gate.acquire().succeeded()).isTrue();
    assertThat(gate.acquire().isComplete()).isFalse();
  }

  @Test
  void unansweredRequestsAreCountedAsErrors() {
    primeWith(12);
    gate.acquire();
    gate.release(ErrorLimitObservation.noResponse());
    assertThat(gate.snapshot().remain()).isEqualTo(11);
    gate.acquire();
    gate.release(ErrorLimitObservation.noResponse());
    assertThat(gate.snapshot().remain()).isEqualTo(10);
    assertThat(gate.acquire().failed()).isTrue();
  }

  @Test
  void outOfOrderAnswersKeepTheLowestRemainOfTheWindow() {
    primeWith(40);
    gate.acquire();
    gate.acquire();
    gate.release(new ErrorLimitObservation(404, 30, 50));
    gate.release(new ErrorLimitObservation(200, 35, 49));
    assertThat(gate.snapshot().remain()).isEqualTo(30);
    clock.advance(Duration.ofSeconds(52));
    assertThat(gate.snapshot().remain()).isNull();
  }

  private void primeWith(int remain) {
    gate.acquire();
    gate.release(new ErrorLimitObservation(200, remain, 50));
  }
}
