package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.testing.ClusterTest;
import dev.killboard.upstream.UpstreamNotFound;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamSettings;
import dev.killboard.upstream.esi.ErrorLimitGate;
import dev.killboard.upstream.esi.ErrorLimitObservation;
import dev.killboard.upstream.esi.EsiClient;
import dev.killboard.upstream.esi.LocalErrorLimitGate;
import dev.killboard.worker.framework.ClusterErrorLimitGate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two cluster members spending ESI errors at once: with the cluster gate they stop together at the
 * margin; with per-process gates (the contrast that shows the test can fail) each spends the
 * margin's worth and together they overspend.
 */
@ClusterTest
class ClusterErrorLimitGateTest {
  private static final int MARGIN = 10;
  private static final int REMAIN = 14;
  private static WorkerHarness h;
  private static Vertx second;

  @BeforeAll
  static void startSecondMember() throws Exception {
    h = WorkerHarness.get();
    second = ClusteredVertx.start(h.cluster, new VertxOptions()).await(90, TimeUnit.SECONDS);
  }

  @org.junit.jupiter.api.AfterEach
  void freshWindow() throws Exception {
    h.reset();
  }

  @AfterAll
  static void stopSecondMember() {
    if (second != null) {
      await(second.close());
    }
  }

  /** 10 failing requests from each member at once; returns how many the gates refused. */
  private long spendErrors(ErrorLimitGate first, ErrorLimitGate other) {
    h.fakes.esi().resetErrorLimit();
    h.fakes.esi().setErrorLimitRemain(REMAIN);
    UpstreamSettings settings = Env.read(h.env, UpstreamSettings::from);
    EsiClient a = new EsiClient(h.vertx, settings, first, Clock.systemUTC());
    EsiClient b = new EsiClient(second, settings, other, Clock.systemUTC());
    List<Future<Throwable>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(
          a.character(2_100_000_001L + i).transform(ar -> Future.succeededFuture(ar.cause())));
      calls.add(
          b.character(2_100_000_101L + i).transform(ar -> Future.succeededFuture(ar.cause())));
    }
    await(Future.all(calls));
    a.close();
    b.close();
    assertThat(calls)
        .allMatch(
            f -> f.result() instanceof UpstreamNotFound || f.result() instanceof UpstreamRetryable);
    return calls.stream()
        .filter(
            f ->
                f.result() instanceof UpstreamRetryable r
                    && r.reason() == UpstreamRetryable.Reason.ERROR_LIMIT_GUARD)
        .count();
  }

  @Test
  void theClusterStopsAtTheMarginTogether() {
    ClusteredVertx.hazelcast(h.vertx)
        .getMap(ClusterErrorLimitGate.MAP)
        .clear(); // no earlier test's window
    long refused =
        spendErrors(
            new ClusterErrorLimitGate(h.vertx, ClusteredVertx.hazelcast(h.vertx), MARGIN),
            new ClusterErrorLimitGate(second, ClusteredVertx.hazelcast(second), MARGIN));
    assertThat(h.fakes.esi().errorsCounted()).isEqualTo(REMAIN - MARGIN);
    assertThat(h.fakes.esi().lowestErrorLimitRemainSent()).isEqualTo(MARGIN);
    assertThat(refused).isEqualTo(20 - (REMAIN - MARGIN));
  }

  @Test
  void perProcessGatesWouldOverspend() {
    spendErrors(
        new LocalErrorLimitGate(Clock.systemUTC(), MARGIN),
        new LocalErrorLimitGate(Clock.systemUTC(), MARGIN));
    assertThat(h.fakes.esi().errorsCounted()).isGreaterThan(REMAIN - MARGIN);
    assertThat(h.fakes.esi().lowestErrorLimitRemainSent()).isLessThan(MARGIN);
  }

  @Test
  void aGateWhoseSharedCountCannotBeReachedDecidesLocally() throws Exception {
    // A member whose Hazelcast is gone stands for one that cannot reach the entry's owner: every
    // ESI call would
    // otherwise wait for (or fail on) the shared count.
    Vertx lonely = ClusteredVertx.start(h.cluster, new VertxOptions()).await(90, TimeUnit.SECONDS);
    try {
      ClusterErrorLimitGate gate =
          new ClusterErrorLimitGate(lonely, ClusteredVertx.hazelcast(lonely), MARGIN);
      await(gate.acquire());
      await(gate.release(new ErrorLimitObservation(200, 100, 60)));
      ClusteredVertx.hazelcast(lonely).getLifecycleService().terminate();
      for (int i = 0; i < 3; i++) {
        await(gate.acquire());
        await(gate.release(new ErrorLimitObservation(404, 50, 60)));
      }
      // Decided locally: the local count saw the last answer (50 left), the shared one never did.
      assertThat(gate.snapshot().remain()).isEqualTo(50);
    } finally {
      // Its cluster manager is gone: closing cannot leave the cluster cleanly, so it is not waited
      // for.
      lonely.close();
    }
  }
}
