package dev.killboard.api;

import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker side and the API side of the heartbeat together: {@code worker:redisq-stream} deployed
 * in the API's clustered Vert.x is reported by {@code workerStatus} as running, with this process's
 * pid (that beats stop on undeploy is tested in worker-verticles' {@code WorkerHeartbeatTest}).
 */
@ClusterTest
class WorkerHeartbeatStatusTest {
  private static final String QUERY = "{ workerStatus { standaloneWorkers { name running pid } } }";

  @Test
  void aDeployedStreamWorkerIsReportedRunningWithItsPid() throws Exception {
    ApiHarness h = ApiHarness.get();
    FakeUpstreams fakes =
        FakeUpstreams.start(
                h.vertx,
                new FakeUpstreams.Options().universe(FakeUniverse.generate(UniverseSpec.tiny())))
            .await(30, TimeUnit.SECONDS);
    Map<String, Object> env = new HashMap<>(h.env(0));
    env.putAll(fakes.environment());
    String worker = null;
    try {
      worker =
          h.vertx
              .deployVerticle(
                  "worker:redisq-stream",
                  new DeploymentOptions()
                      .setConfig(new JsonObject().put("env", new JsonObject(env))))
              .await(60, TimeUnit.SECONDS);
      JsonObject stream = awaitRunningStream(20_000);
      assertThat(stream.getBoolean("running")).isTrue();
      assertThat(stream.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
    } finally {
      if (worker != null) {
        h.vertx.undeploy(worker).await(60, TimeUnit.SECONDS);
      }
      fakes.close().await(30, TimeUnit.SECONDS);
    }
  }

  // The API reads its heartbeats when asked: poll its answer (nothing on this side can be awaited).
  private static JsonObject awaitRunningStream(long deadlineMs) {
    return eventually(
        Duration.ofMillis(deadlineMs),
        "redisq_stream reported running",
        () -> {
          JsonArray workers =
              ApiHarness.get()
                  .data(QUERY, null)
                  .getJsonObject("workerStatus")
                  .getJsonArray("standaloneWorkers");
          JsonObject last = null;
          for (int i = 0; i < workers.size(); i++) {
            JsonObject w = workers.getJsonObject(i);
            if ("redisq_stream".equals(w.getString("name"))) {
              last = w;
            }
          }
          return last;
        },
        w -> w != null && w.getBoolean("running"));
  }
}
