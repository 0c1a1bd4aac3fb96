package dev.killboard.bench.api;

import dev.killboard.bench.dataset.DatasetGenerator;
import dev.killboard.bench.dataset.DatasetSpec;
import dev.killboard.bench.dataset.DatasetSummary;
import dev.killboard.bench.dataset.Options;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.EmbeddedRedis;
import dev.killboard.fake.FakeSso;
import dev.killboard.schema.SchemaMigrations;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The GraphQL API load benchmark ({@code mvn -q -pl benchmarks exec:java@api}): starts a
 * production-configured embedded PostgreSQL, migrates it, loads the deterministic dataset, starts
 * the API as an operator does (a clustered Vert.x member deploying {@code
 * dev.killboard.api.ApiVerticle} with its settings in the deployment's {@code env} object, on the
 * budget's 5-connection API pool), then drives 32 keep-alive HTTP clients per scenario and measures
 * PostgreSQL's own ceiling for the same main SQL with 5 connections. Prints what it measures.
 */
public final class ApiBenchmark {
  private static final String API_VERTICLE = "dev.killboard.api.ApiVerticle";
  private static final String USAGE =
      """
      Usage: mvn -q -pl benchmarks exec:java@api [-Dexec.args="options"]
        --killmails N            killmails in the dataset (default 20000; 1000000 for the scale run)
        --seconds N              measured seconds per scenario (default 20)
        --warmup N               warm-up seconds per scenario, not measured (default 30)
        --clients N              concurrent HTTP clients (default 32)
        --instances N            ApiVerticle instances (default: available processors)
        --max-page N             pages are drawn from 1..N (default: every page of the dataset)
        --scenarios a,b          among page, killmail-minimal, killmail (default: all)
        --ceiling auto|pgbench|jdbc|none   PostgreSQL's ceiling (default auto: pgbench when installed)
        --ceiling-connections N  connections for the ceiling (default 5, the API pool's size)
        --seed N                 dataset seed (default 42)
      """;

  private ApiBenchmark() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("api benchmark: " + e.getMessage());
      System.err.print(USAGE);
      code = 2;
    } catch (Exception e) {
      System.err.println("api benchmark failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    // Hazelcast and embedded servers have been closed; exit so no stray thread keeps Maven waiting.
    System.exit(code);
  }

  static int run(String[] args) throws Exception {
    Map<String, String> o =
        Options.parse(
            args,
            List.of(
                "--killmails",
                "--seconds",
                "--warmup",
                "--clients",
                "--instances",
                "--max-page",
                "--scenarios",
                "--ceiling",
                "--ceiling-connections",
                "--seed"),
            List.of());
    DatasetSpec spec = DatasetSpec.defaults();
    if (o.containsKey("--killmails")) {
      spec = spec.withKillmails(Options.integer(o, "--killmails"));
    }
    if (o.containsKey("--seed")) {
      spec = spec.withSeed(Options.integer(o, "--seed"));
    }
    if (spec.killmails() < 1) {
      throw new IllegalArgumentException("--killmails must be at least 1");
    }
    long seconds = o.containsKey("--seconds") ? Options.integer(o, "--seconds") : 20;
    long warmup =
        o.containsKey("--warmup")
            ? Options.integer(o, "--warmup")
            : 30; // the JIT settles in about 30 s; shorter warm-ups measure compilation
    int clients = o.containsKey("--clients") ? Options.integer(o, "--clients") : 32;
    int instances =
        o.containsKey("--instances")
            ? Options.integer(o, "--instances")
            : Runtime.getRuntime().availableProcessors();
    int totalPages = (spec.killmails() + Scenarios.PAGE_SIZE - 1) / Scenarios.PAGE_SIZE;
    int maxPage =
        o.containsKey("--max-page")
            ? Math.min(totalPages, Options.integer(o, "--max-page"))
            : totalPages;
    int ceilingConnections =
        o.containsKey("--ceiling-connections") ? Options.integer(o, "--ceiling-connections") : 5;
    String ceilingMode = o.getOrDefault("--ceiling", "auto");
    List<String> scenarioNames =
        o.containsKey("--scenarios")
            ? Arrays.asList(o.get("--scenarios").split(","))
            : Scenarios.ALL;
    if (seconds < 1 || clients < 1 || instances < 1 || maxPage < 1 || ceilingConnections < 1) {
      throw new IllegalArgumentException(
          "--seconds, --clients, --instances, --max-page and --ceiling-connections must be ≥ 1");
    }
    if (!List.of("auto", "pgbench", "jdbc", "none").contains(ceilingMode)) {
      throw new IllegalArgumentException(
          "--ceiling must be auto, pgbench, jdbc or none, was '" + ceilingMode + "'");
    }
    List<ApiScenario> scenarios = new ArrayList<>();
    for (String name : scenarioNames) {
      scenarios.add(
          Scenarios.create(
              name.trim(), spec.killmailId(0), spec.killmailId(spec.killmails() - 1), maxPage));
    }
    requireApi();

    System.out.printf(
        "Killboard GraphQL API benchmark: %,d killmails, %d clients, %d s (+%d s warm-up) per scenario,"
            + " %d ApiVerticle instance(s), %d processors%n",
        spec.killmails(),
        clients,
        seconds,
        warmup,
        instances,
        Runtime.getRuntime().availableProcessors());
    try (EmbeddedDatabase db = EmbeddedDatabase.start();
        EmbeddedRedis redis = EmbeddedRedis.start()) {
      System.out.printf(
          "PostgreSQL %s:%d (max_connections=25, superuser_reserved_connections=3), Redis %s%n",
          db.host(), db.port(), redis.uri());
      SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
      DatasetSpec dataset = spec;
      // Loaded once the API is up: the API's classes are then loaded already, and a long load
      // cannot leave it
      // reading jars that a concurrent `mvn install` replaced in the local repository meanwhile.
      Step load =
          () -> {
            DatasetSummary data;
            try (Connection c =
                DriverManager.getConnection(db.appJdbcUrl(), db.appUser(), db.appPassword())) {
              data =
                  DatasetGenerator.generate(
                      c,
                      dataset,
                      done -> {
                        if (done % 100_000 == 0) {
                          System.out.printf("  … %,d killmails loaded%n", done);
                        }
                      });
            }
            System.out.printf(
                "dataset (seed %d): %,d killmails, %,d attackers, %,d items, %,d characters loaded in %.1f s"
                    + " (%,.0f killmails/s), VACUUM ANALYZE %.1f s%n",
                dataset.seed(),
                data.rows("killmails"),
                data.rows("attackers"),
                data.rows("killmail_items"),
                data.rows("characters"),
                data.load().toMillis() / 1000.0,
                data.killmailsPerSecond(),
                data.vacuum().toMillis() / 1000.0);
          };

      List<LoadResult> api =
          measureApi(db, redis, load, scenarios, clients, instances, warmup, seconds);
      Map<String, LoadResult> ceiling = new LinkedHashMap<>();
      SqlCeiling sqlCeiling = ceiling(ceilingMode, db);
      if (sqlCeiling != null) {
        System.out.printf(
            "%nPostgreSQL ceiling: %s, %d connections, same main SQL, %d s (+%d s warm-up) each%n",
            sqlCeiling.describe(), ceilingConnections, seconds, warmup);
        for (ApiScenario s : scenarios) {
          String before = loadAverage();
          LoadResult r;
          try {
            r =
                sqlCeiling.run(
                    s.name(), s.ceiling(), ceilingConnections, warmup * 1000, seconds * 1000);
          } catch (Exception e) {
            // One failed ceiling should not hide the others (nor the API figures already measured).
            System.out.printf("  %-17s ceiling failed: %s%n", s.name(), e.getMessage());
            continue;
          }
          ceiling.put(s.name(), r);
          System.out.printf(
              "  %-17s %9.0f tx/s   p50 %7.2f ms   p99 %7.2f ms   errors %d   (load average %s → %s)%n",
              s.name(),
              r.requestsPerSecond(),
              r.p50Millis(),
              r.p99Millis(),
              r.errors(),
              before,
              loadAverage());
        }
      }
      print(scenarios, api, ceiling, spec, clients);
      return api.stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
    }
  }

  /** Fails with a message naming what is missing when the API module is not on the classpath. */
  private static void requireApi() {
    try {
      Class<?> api = Class.forName(API_VERTICLE);
      ClassPreloader.preload(
          api,
          FakeSso.class,
          ClusteredVertx.class,
          SchemaMigrations.class,
          EmbeddedDatabase.class,
          Class.forName("dev.killboard.budget.ConnectionBudget"),
          Class.forName("dev.killboard.queue.QueueSettings"));
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "the GraphQL API is missing: class "
              + API_VERTICLE
              + " (module api-verticle) is not"
              + " on the classpath; build it first: mvn -B -q -o -pl benchmarks -am install -DskipTests");
    }
  }

  /** A step that may fail. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  private static List<LoadResult> measureApi(
      EmbeddedDatabase db,
      EmbeddedRedis redis,
      Step loadDataset,
      List<ApiScenario> scenarios,
      int clients,
      int instances,
      long warmup,
      long seconds)
      throws Exception {
    ClusterSettings cluster =
        Env.read(
            Map.of(ClusterSettings.ENV_CLUSTER_NAME, "killboard-bench-" + UUID.randomUUID()),
            ClusterSettings::from);
    Vertx server = ClusteredVertx.start(cluster, new VertxOptions()).await(120, TimeUnit.SECONDS);
    Vertx load = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      // A local EVE SSO stands in for login.eveonline.com: the API fetches its signing keys at
      // start.
      FakeSso sso =
          server
              .executeBlocking(() -> new FakeSso(server, null, new FakeSso.Options()))
              .await(30, TimeUnit.SECONDS);
      sso.start().await(30, TimeUnit.SECONDS);
      int port = freePort();
      JsonObject env =
          new JsonObject()
              .put("KILLBOARD_HTTP_HOST", "127.0.0.1")
              .put("KILLBOARD_HTTP_PORT", Integer.toString(port))
              // The benchmark reads the statement counter from /metrics and loads the API from one
              // address.
              .put("KILLBOARD_PUBLIC_METRICS_ENABLED", "true")
              .put("KILLBOARD_RATE_LIMIT_CAPACITY", "1000000000")
              .put("KILLBOARD_RATE_LIMIT_PER_SECOND", "1000000000")
              .put("KILLBOARD_DB_HOST", db.host())
              .put("KILLBOARD_DB_PORT", Integer.toString(db.port()))
              .put("KILLBOARD_DB_NAME", db.database())
              .put("KILLBOARD_DB_USER", db.appUser())
              .put("KILLBOARD_DB_PASSWORD", db.appPassword())
              .put("KILLBOARD_REDIS_URL", redis.uri())
              .put("KILLBOARD_SSO_BASE_URL", sso.baseUrl())
              .put("KILLBOARD_SSO_ISSUER", sso.issuer());
      String deployment;
      try {
        deployment =
            server
                .deployVerticle(
                    API_VERTICLE,
                    new DeploymentOptions()
                        .setInstances(instances)
                        .setConfig(new JsonObject().put("env", env)))
                .await(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(
            "the API did not start (" + API_VERTICLE + "): " + e.getMessage(), e);
      }
      System.out.printf(
          "API: %d × %s on http://127.0.0.1:%d/graphql (clustered member, API pool of 5)%n",
          instances, API_VERTICLE, port);
      loadDataset.run();
      calibrate(server, load, clients, warmup, seconds);
      System.out.println();
      WebClient client =
          WebClient.create(
              load,
              new WebClientOptions()
                  .setKeepAlive(true)
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(port),
              new PoolOptions().setHttp1MaxSize(clients));
      HttpLoad http = new HttpLoad(load, client, "127.0.0.1", port);
      for (ApiScenario s : scenarios) {
        // One request first: the figures mean nothing if the answers are wrong. The API's statement
        // counter tells how many SQL statements one request costs (DataLoader batching keeps it
        // constant per page).
        double statementsBefore = sqlStatements(client);
        String answer =
            client
                .post("/graphql")
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(s.body().apply(new SplittableRandom(1))))
                .await(120, TimeUnit.SECONDS)
                .bodyAsString();
        double statements = sqlStatements(client) - statementsBefore;
        String shown = HttpLoad.abbreviate(answer);
        System.out.printf(
            "  check %-17s %s SQL statements, %s…%n",
            s.name(),
            Double.isNaN(statements) ? "?" : String.format("%.0f", statements),
            shown.substring(0, Math.min(120, shown.length())));
      }
      List<LoadResult> results = new ArrayList<>();
      for (ApiScenario s : scenarios) {
        String before = loadAverage();
        LoadResult r =
            http.run(s, clients, warmup * 1000, seconds * 1000, 42)
                .await(seconds + warmup + 120, TimeUnit.SECONDS);
        results.add(r);
        System.out.printf(
            "  %-17s %9.0f req/s   p50 %7.2f ms   p99 %7.2f ms   max %7.1f ms   errors %d / %d"
                + "   CPU/request: API %.2f ms, PostgreSQL %.2f ms   (load average %s → %s)%n",
            s.name(),
            r.requestsPerSecond(),
            r.p50Millis(),
            r.p99Millis(),
            r.maxMillis(),
            r.errors(),
            r.completed(),
            r.apiCpuMillis(),
            r.postgresCpuMillis(),
            before,
            loadAverage());
        if (r.firstError() != null) {
          System.out.println("    first error: " + r.firstError());
        }
      }
      client.close();
      server.undeploy(deployment).await(60, TimeUnit.SECONDS);
      sso.close().await(10, TimeUnit.SECONDS);
      return results;
    } finally {
      load.close().await(30, TimeUnit.SECONDS);
      server.close().await(60, TimeUnit.SECONDS);
    }
  }

  /**
   * The load generator's own ceiling: the same clients against a trivial HTTP server in this JVM
   * that answers every request with a fixed killmail. Shows how much of the machine the harness
   * itself takes.
   */
  private static void calibrate(Vertx server, Vertx load, int clients, long warmup, long seconds)
      throws Exception {
    Buffer fixed =
        Buffer.buffer("{\"data\":{\"killmail\":{\"id\":\"100000001\",\"killmailId\":100000001}}}");
    var http =
        server
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            b ->
                                req.response()
                                    .putHeader("Content-Type", "application/json")
                                    .end(fixed)))
            .listen(0, "127.0.0.1")
            .await(30, TimeUnit.SECONDS);
    WebClient client =
        WebClient.create(
            load,
            new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(clients));
    try {
      ApiScenario s = Scenarios.create(Scenarios.KILLMAIL_MINIMAL, 100_000_001, 100_000_001, 1);
      long calibrationSeconds = Math.max(1, Math.min(seconds, 5));
      LoadResult r =
          new HttpLoad(load, client, "127.0.0.1", http.actualPort())
              .run(s, clients, Math.min(warmup, 2) * 1000, calibrationSeconds * 1000, 1)
              .await(60, TimeUnit.SECONDS);
      System.out.printf(
          "harness ceiling (trivial server in this JVM, %d clients, %d s): %.0f req/s, p50 %.2f ms, p99 %.2f ms%n",
          clients, calibrationSeconds, r.requestsPerSecond(), r.p50Millis(), r.p99Millis());
    } finally {
      client.close();
      http.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static SqlCeiling ceiling(String mode, EmbeddedDatabase db) {
    String pgbench = PgbenchCeiling.find();
    if (mode.equals("none")) {
      return null;
    }
    if (mode.equals("pgbench") && pgbench == null) {
      throw new IllegalArgumentException(
          "--ceiling pgbench: no pgbench on the PATH (install postgresql-client or use --ceiling jdbc)");
    }
    if (pgbench != null && !mode.equals("jdbc")) {
      return new PgbenchCeiling(
          pgbench, db.host(), db.port(), db.database(), db.appUser(), db.appPassword());
    }
    return new JdbcCeiling(db.appJdbcUrl(), db.appUser(), db.appPassword());
  }

  private static void print(
      List<ApiScenario> scenarios,
      List<LoadResult> api,
      Map<String, LoadResult> ceiling,
      DatasetSpec spec,
      int clients) {
    System.out.printf(
        "%nResults (%,d killmails, %d clients, %d processors)%n",
        spec.killmails(), clients, Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "| %-66s | %9s | %8s | %8s | %11s | %12s | %9s |%n",
        "scenario", "req/s", "p50 ms", "p99 ms", "errors", "ceiling tx/s", "API/ceil.");
    System.out.printf(
        "|%s|%s|%s|%s|%s|%s|%s|%n",
        "-".repeat(68),
        "-".repeat(11),
        "-".repeat(10),
        "-".repeat(10),
        "-".repeat(13),
        "-".repeat(14),
        "-".repeat(11));
    for (int i = 0; i < scenarios.size(); i++) {
      ApiScenario s = scenarios.get(i);
      LoadResult r = api.get(i);
      LoadResult c = ceiling.get(s.name());
      System.out.printf(
          "| %-66s | %9.0f | %8.2f | %8.2f | %11s | %12s | %9s |%n",
          s.description(),
          r.requestsPerSecond(),
          r.p50Millis(),
          r.p99Millis(),
          r.errors() + "/" + r.completed(),
          c == null ? "-" : String.format("%.0f", c.requestsPerSecond()),
          c == null || c.requestsPerSecond() == 0
              ? "-"
              : String.format("%.2f", r.requestsPerSecond() / c.requestsPerSecond()));
    }
  }

  /** The API's killboard_sql_statements_total from /metrics, NaN when it does not expose it. */
  private static double sqlStatements(WebClient client) {
    try {
      String text = client.get("/metrics").send().await(30, TimeUnit.SECONDS).bodyAsString();
      double sum = Double.NaN;
      for (String line : text == null ? new String[0] : text.split("\n")) {
        if (line.startsWith("killboard_sql_statements_total")) {
          double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          sum = Double.isNaN(sum) ? v : sum + v;
        }
      }
      return sum;
    } catch (RuntimeException | TimeoutException e) {
      return Double.NaN;
    }
  }

  /**
   * The 1-minute load average (Linux), so a reader can see when other work shared the machine; "?"
   * elsewhere.
   */
  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
