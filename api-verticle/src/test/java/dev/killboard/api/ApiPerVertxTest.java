package dev.killboard.api;

import static dev.killboard.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.runtime.PerVertx;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the API holds per Vert.x instance (the connection budget, the migration runs, the metered
 * budgets, the rate-limit buckets, the metrics registry when Vert.x has none) lives in {@link
 * PerVertx} holders: a closed Vert.x instance leaves none of it behind in the JVM.
 */
@ClusterTest
class ApiPerVertxTest {

  @Test
  void aClosedVertxLeavesNothingOfTheApiBehind() throws Exception {
    ApiHarness h = ApiHarness.get();
    Vertx member =
        ClusteredVertx.start(h.cluster, new VertxOptions().setBlockedThreadCheckInterval(1000))
            .await(90, TimeUnit.SECONDS);
    try {
      JsonObject env = new JsonObject(h.env(ApiHarness.freePort()));
      String id =
          await(
              member.deployVerticle(
                  ApiVerticle.class.getName(),
                  new DeploymentOptions().setConfig(new JsonObject().put("env", env))));
      assertThat(PerVertx.heldNames(member))
          .contains(
              "API metrics registry",
              "API rate-limit buckets",
              "API schema migrations",
              "connection budget",
              "metered budgets");
      await(member.undeploy(id));
    } finally {
      await(member.close());
    }
    assertThat(PerVertx.heldNames(member)).as("held for the closed Vert.x instance").isEmpty();
    assertThat(PerVertx.heldNames(h.vertx))
        .as("the harness's own instance keeps its own")
        .contains("API rate-limit buckets", "connection budget");
  }
}
