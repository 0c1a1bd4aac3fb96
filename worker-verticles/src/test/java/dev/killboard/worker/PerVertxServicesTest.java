package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.runtime.PerVertx;
import dev.killboard.testing.ClusterTest;
import dev.killboard.worker.framework.ClusterErrorLimitGate;
import dev.killboard.worker.framework.WorkerRuntime;
import dev.killboard.worker.framework.WorkerSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What workers hold per Vert.x instance (the connection budget, the migration run, instance
 * numbers, ESI error-limit gates) lives in {@link PerVertx} holders: each worker keeps its own
 * error-limit margin, and a closed Vert.x instance leaves nothing behind.
 */
@ClusterTest
class PerVertxServicesTest {

  @Test
  void eachWorkerKeepsItsOwnErrorLimitMargin() throws Exception {
    WorkerHarness h = WorkerHarness.get();
    WorkerRuntime five = await(WorkerRuntime.open(h.vertx, "margin-five#1", settings(h, 5)));
    WorkerRuntime twenty = await(WorkerRuntime.open(h.vertx, "margin-twenty#1", settings(h, 20)));
    WorkerRuntime fiveAgain = await(WorkerRuntime.open(h.vertx, "margin-five#2", settings(h, 5)));
    try {
      assertThat(((ClusterErrorLimitGate) five.errorLimitGate()).margin()).isEqualTo(5);
      assertThat(((ClusterErrorLimitGate) twenty.errorLimitGate()).margin())
          .as("not the first worker's")
          .isEqualTo(20);
      assertThat(fiveAgain.errorLimitGate())
          .as("one gate per margin and Vert.x instance")
          .isSameAs(five.errorLimitGate());
    } finally {
      await(five.close());
      await(twenty.close());
      await(fiveAgain.close());
    }
  }

  @Test
  void aClosedVertxLeavesNothingBehind() throws Exception {
    WorkerHarness h = WorkerHarness.get();
    Vertx member =
        ClusteredVertx.start(h.cluster, new VertxOptions().setBlockedThreadCheckInterval(1000))
            .await(90, TimeUnit.SECONDS);
    try {
      String id = await(member.deployVerticle("worker:info-characters", h.options(1, null)));
      assertThat(PerVertx.heldBy(member))
          .as("budget, migration run, instance numbers, gates")
          .isGreaterThanOrEqualTo(4);
      await(member.undeploy(id));
    } finally {
      await(member.close());
    }
    assertThat(PerVertx.heldBy(member)).as("services held for the closed Vert.x instance").isZero();
    assertThat(PerVertx.heldBy(h.vertx))
        .as("the harness's own instance keeps its budget")
        .isPositive();
  }

  private static WorkerSettings settings(WorkerHarness h, int margin) {
    Map<String, String> env = new HashMap<>(h.env);
    env.put("KILLBOARD_ESI_ERROR_LIMIT_MARGIN", Integer.toString(margin));
    return Env.read(env, WorkerSettings::from);
  }
}
