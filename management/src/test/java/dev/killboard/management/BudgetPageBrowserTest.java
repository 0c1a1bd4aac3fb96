package dev.killboard.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetStatus;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management server of a clustered member with a real budget (embedded PostgreSQL, Hazelcast):
 * its JSON paths, and the {@code /budget} page in headless Chromium, which shows the budget's
 * numbers and follows a pool taking a permit.
 */
@ClusterTest
class BudgetPageBrowserTest {
  private static final long DOM_TIMEOUT_MS = 15_000;

  private static Vertx vertx;
  private static ConnectionBudget budget;
  private static ManagementServer server;
  private static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startMember() throws Exception {
    EmbeddedDatabase db = SharedServices.database();
    int basePort = 15000 + ThreadLocalRandom.current().nextInt(3000) * 10;
    ClusterSettings cluster =
        Env.read(
            Map.of(
                ClusterSettings.ENV_CLUSTER_NAME,
                "kb-mgmt-" + UUID.randomUUID().toString().substring(0, 8),
                ClusterSettings.ENV_PORT,
                Integer.toString(basePort),
                ClusterSettings.ENV_MEMBERS,
                "127.0.0.1:" + basePort),
            ClusterSettings::from);
    vertx =
        ClusteredVertx.start(cluster, new io.vertx.core.VertxOptions()).await(90, TimeUnit.SECONDS);
    DatabaseSettings database =
        new DatabaseSettings(
            db.host(),
            db.port(),
            db.database(),
            db.appUser(),
            new Secret(db.appPassword()),
            io.vertx.pgclient.SslMode.DISABLE,
            false,
            null,
            Duration.ofSeconds(30));
    budget =
        ConnectionBudget.forVertx(vertx, BudgetSettings.defaults(database))
            .await(60, TimeUnit.SECONDS);
    server =
        ManagementServer.start(vertx, new ManagementSettings("127.0.0.1", freePort()), budget)
            .await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void budgetJsonAndHealthShowTheClustersBudget() throws Exception {
    BudgetStatus status = budget.status().await(10, TimeUnit.SECONDS);
    JsonObject json = new JsonObject(get("/budget.json").body());
    assertThat(json.getInteger("total")).isEqualTo(status.total());
    assertThat(json.getJsonObject("classes").getJsonObject("worker").getInteger("permits"))
        .isEqualTo(status.classes().get("worker").permits());
    assertThat(json.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
    assertThat(json.getJsonObject("classes").getJsonObject("worker").getJsonArray("waiters"))
        .as("the waiters of the class, cluster-wide (none here)")
        .isEmpty();

    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("checks").getString("budget"))
        .isEqualTo("UP");

    String metrics = get("/metrics").body();
    assertThat(metrics).contains("killboard_budget_permits_size{class=\"worker\"}");
  }

  @Test
  void budgetPageShowsRealNumbersAndFollowsAPoolTakingAPermit() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(DevToolsPage.CHROMIUM),
        "Skipped: no browser at "
            + DevToolsPage.CHROMIUM
            + " (Debian: apt-get install chromium) to load /budget in");
    BudgetedPool pool = null;
    SqlConnection borrowed = null;
    try (DevToolsPage page = new DevToolsPage()) {
      page.open("http://127.0.0.1:" + server.port() + "/budget");
      BudgetStatus.ClassStatus before =
          budget.status().await(10, TimeUnit.SECONDS).classes().get("worker");
      String worker = ".budget-class[data-class=\"worker\"] ";
      assertThat(
              page.awaitText(
                  worker + ".permits", Integer.toString(before.permits()), DOM_TIMEOUT_MS))
          .isEqualTo(Integer.toString(before.permits()));
      assertThat(
              page.awaitText(worker + ".in-use", Integer.toString(before.inUse()), DOM_TIMEOUT_MS))
          .isEqualTo(Integer.toString(before.inUse()));
      assertThat(
              page.awaitText(
                  worker + ".waiters tr.empty td", "no pool waits for a permit", DOM_TIMEOUT_MS))
          .as("the waiters table of a class nobody waits for")
          .isEqualTo("no pool waits for a permit");

      // A worker pool keeps nothing warm: the permit comes with the connection it opens (when it
      // checks the server).
      pool = budget.openWorkerPool("browser-test").await(60, TimeUnit.SECONDS);
      borrowed = pool.pool().getConnection().await(30, TimeUnit.SECONDS);
      BudgetStatus.ClassStatus after =
          budget.status().await(10, TimeUnit.SECONDS).classes().get("worker");
      assertThat(after.inUse())
          .as("permits in use once the pool has a connection out")
          .isGreaterThan(before.inUse());
      assertThat(
              page.awaitText(worker + ".in-use", Integer.toString(after.inUse()), DOM_TIMEOUT_MS))
          .as("the page follows the budget without a reload")
          .isEqualTo(Integer.toString(after.inUse()));
      assertThat(
              page.awaitText(
                  worker + "tr[data-owner=\"browser-test\"] td:nth-child(2)",
                  Long.toString(ProcessHandle.current().pid()),
                  DOM_TIMEOUT_MS))
          .as("the holder row names this process")
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));

      assertThat(
              page.awaitText(
                  "#local-pools tr[data-owner=\"browser-test\"] td:nth-child(7)",
                  "1",
                  DOM_TIMEOUT_MS))
          .as("this process's pool shows the borrowed connection in use")
          .isEqualTo("1");

      Path shot = Path.of("target", "budget-page.png");
      Files.write(shot, page.screenshot());
      assertThat(Files.size(shot)).isGreaterThan(1_000);
    } finally {
      if (borrowed != null) {
        borrowed.close().await(10, TimeUnit.SECONDS);
      }
      if (pool != null) {
        pool.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aTakenPortOrPortZeroLeavesTheProcessRunningWithoutASecondServer() throws Exception {
    // Taken by another process's socket (a second server of this Vert.x instance would share the
    // port instead).
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ManagementServer second =
          ManagementServer.startForProcess(
                  vertx, new ManagementSettings("127.0.0.1", taken.getLocalPort()), Map.of())
              .await(30, TimeUnit.SECONDS);
      assertThat(second).as("no server on a taken port, and no failure").isNull();
    }
    ManagementServer off =
        ManagementServer.startForProcess(vertx, new ManagementSettings("127.0.0.1", 0), Map.of())
            .await(30, TimeUnit.SECONDS);
    assertThat(off).isNull();
    assertThat(get("/budget.json").statusCode())
        .as("the first server still answers")
        .isEqualTo(200);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
