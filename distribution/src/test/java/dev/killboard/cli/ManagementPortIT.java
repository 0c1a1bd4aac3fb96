package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged API and a packaged worker each serve their own management port (one port per process
 * on a host): the worker's shows the cluster-wide budget with the API's pool among the holders, as
 * JSON and as a live stream.
 */
class ManagementPortIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void apiAndWorkerProcessesEachServeTheirManagementPort() throws Exception {
    try (PackagedCluster cluster = PackagedCluster.start("management", 2)) {
      int apiPort = freePort();
      int workerPort = freePort();
      PackagedProcess api =
          cluster.start(
              "api", Map.of("KILLBOARD_MANAGEMENT_PORT", Integer.toString(apiPort)), "run", "api");
      PackagedCluster.awaitDeployed(api, "dev.killboard.api.ApiVerticle");
      PackagedProcess worker =
          cluster.start(
              "worker-production",
              Map.of("KILLBOARD_MANAGEMENT_PORT", Integer.toString(workerPort)),
              "run",
              "worker:production");
      PackagedCluster.awaitDeployed(worker, "worker:production");
      api.awaitLine(
          Pattern.compile("Management server on http://127\\.0\\.0\\.1:" + apiPort + "/"),
          PackagedCluster.START);
      worker.awaitLine(
          Pattern.compile("Management server on http://127\\.0\\.0\\.1:" + workerPort + "/"),
          PackagedCluster.START);

      // The API keeps one connection warm; the worker's stream shows it once its permit is
      // registered.
      JsonObject seen =
          firstEvent(
              workerPort,
              status ->
                  holders(status, "api").stream()
                      .anyMatch(h -> ((JsonObject) h).getLong("pid") == api.pid()));
      assertThat(seen.getLong("pid")).as("served by the worker process").isEqualTo(worker.pid());
      assertThat(seen.getInteger("total")).isEqualTo(21);

      JsonObject once = new JsonObject(get(workerPort, "/budget.json").body());
      assertThat(once.getJsonObject("classes").fieldNames()).contains("api", "worker");

      HttpResponse<String> ready = get(apiPort, "/health/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(new JsonObject(ready.body()).getJsonObject("checks").getString("database"))
          .isEqualTo("UP");

      for (int port : new int[] {apiPort, workerPort}) {
        assertThat(get(port, "/metrics").body())
            .contains("killboard_budget_permits_size{class=\"worker\"}");
        assertThat(get(port, "/budget").body()).contains("<script src=\"budget.js\">");
      }
    }
  }

  /** The first {@code /budget/events} message that satisfies {@code wanted}, within a minute. */
  private JsonObject firstEvent(int port, Predicate<JsonObject> wanted) throws Exception {
    CompletableFuture<HttpResponse<Stream<String>>> response =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/budget/events"))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    CompletableFuture<JsonObject> found =
        response.thenApplyAsync(
            r -> {
              try (Stream<String> lines = r.body()) {
                return lines
                    .filter(l -> l.startsWith("data: "))
                    .map(l -> new JsonObject(l.substring(6)))
                    .filter(wanted)
                    .findFirst()
                    .orElseThrow();
              }
            });
    try {
      return found.get(60, TimeUnit.SECONDS);
    } finally {
      response.thenAccept(r -> r.body().close());
    }
  }

  private static JsonArray holders(JsonObject status, String budgetClass) {
    JsonObject cls = status.getJsonObject("classes", new JsonObject()).getJsonObject(budgetClass);
    return cls == null ? new JsonArray() : cls.getJsonArray("holders");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
