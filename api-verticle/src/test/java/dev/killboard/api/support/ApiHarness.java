package dev.killboard.api.support;

import dev.killboard.api.ApiVerticle;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.EmbeddedRedis;
import dev.killboard.embedded.SharedServices;
import dev.killboard.fake.FakeSso;
import dev.killboard.schema.SchemaMigrations;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One running API for the test JVM: a clustered Vert.x member (random cluster name, unsafe CP
 * mode), the shared embedded PostgreSQL (migrated and seeded) and Redis, a local fake EVE SSO, and
 * two ApiVerticle instances on one port. Started on first use, stopped by a shutdown hook.
 */
public final class ApiHarness {
  /** The token key of the test deployment (base64 of 32 bytes). */
  public static final String TOKEN_KEY =
      Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  private static ApiHarness instance;

  public final Vertx vertx;
  public final ClusterSettings cluster;
  public final EmbeddedDatabase db;
  public final EmbeddedRedis redis;
  public final FakeSso sso;
  public final int port;
  public final String deploymentId;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private ApiHarness() throws Exception {
    db = SharedServices.database();
    redis = SharedServices.redis();
    SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
    try (Connection c = appConnection()) {
      Seed.insert(c);
    }
    cluster =
        Env.read(
            Map.of(ClusterSettings.ENV_CLUSTER_NAME, "api-test-" + UUID.randomUUID()),
            ClusterSettings::from);
    // The blocked-thread checker looks every 50 ms and warns past 200 ms on an event loop:
    // HostileQueryTest asserts
    // that no request blocks a loop that long, and any other test's log shows it.
    vertx =
        ClusteredVertx.start(
                cluster,
                new VertxOptions()
                    .setBlockedThreadCheckInterval(50)
                    .setMaxEventLoopExecuteTime(200)
                    .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                    .setWarningExceptionTime(200)
                    .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS))
            .await(60, TimeUnit.SECONDS);
    FakeSso fake =
        vertx
            .executeBlocking(() -> new FakeSso(vertx, null, new FakeSso.Options()))
            .await(30, TimeUnit.SECONDS);
    fake.start().await(10, TimeUnit.SECONDS);
    sso = fake;
    port = freePort();
    deploymentId =
        vertx
            .deployVerticle(
                ApiVerticle.class.getName(),
                new DeploymentOptions()
                    .setInstances(2)
                    .setConfig(new JsonObject().put("env", new JsonObject(env(port)))))
            .await(60, TimeUnit.SECONDS);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    vertx.close().await(20, TimeUnit.SECONDS);
                  } catch (Exception ignored) {
                    // The JVM is exiting anyway.
                  }
                }));
  }

  /** The harness, started on first call. */
  public static synchronized ApiHarness get() {
    if (instance == null) {
      try {
        instance = new ApiHarness();
      } catch (Exception e) {
        throw new IllegalStateException("the API test harness did not start", e);
      }
    }
    return instance;
  }

  /** The environment the API is deployed with (tests deploying a variant start from it). */
  public Map<String, Object> env(int httpPort) {
    return new HashMap<>(
        Map.ofEntries(
            Map.entry("KILLBOARD_HTTP_HOST", "127.0.0.1"),
            Map.entry("KILLBOARD_HTTP_PORT", Integer.toString(httpPort)),
            Map.entry("KILLBOARD_DB_HOST", db.host()),
            Map.entry("KILLBOARD_DB_PORT", Integer.toString(db.port())),
            Map.entry("KILLBOARD_DB_NAME", db.database()),
            Map.entry("KILLBOARD_DB_USER", db.appUser()),
            Map.entry("KILLBOARD_DB_PASSWORD", db.appPassword()),
            Map.entry("KILLBOARD_REDIS_URL", redis.uri()),
            Map.entry("KILLBOARD_SSO_BASE_URL", sso.baseUrl()),
            Map.entry("KILLBOARD_SSO_ISSUER", sso.issuer()),
            Map.entry("KILLBOARD_SSO_CLIENT_ID", sso.clientId()),
            Map.entry("KILLBOARD_SSO_CLIENT_SECRET", sso.clientSecret()),
            Map.entry(
                "KILLBOARD_SSO_CALLBACK_URL", "http://127.0.0.1:" + httpPort + "/auth/callback"),
            Map.entry("KILLBOARD_FRONTEND_URL", "http://frontend.test:3000"),
            Map.entry("KILLBOARD_TOKEN_KEY", TOKEN_KEY),
            Map.entry("KILLBOARD_WORKER_STATUS_INTERVAL_MS", "300"),
            // Every test client is 127.0.0.1: the limits per client are tested on variants
            // (ClientLimitsTest).
            Map.entry("KILLBOARD_RATE_LIMIT_CAPACITY", "1000000000"),
            Map.entry("KILLBOARD_RATE_LIMIT_PER_SECOND", "1000000000"),
            Map.entry("KILLBOARD_SSO_CALLS_PER_MINUTE", "10000"),
            Map.entry("KILLBOARD_PUBLIC_METRICS_ENABLED", "true"),
            Map.entry("KILLBOARD_ADMIN_CHARACTER_IDS", "90000009"),
            Map.entry("KILLBOARD_CORS_ORIGINS", "http://frontend.test:3000")));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Deploys another API instance on its own port with these settings changed (the rest as {@link
   * #env}); close the returned instance to undeploy it.
   */
  public Variant deployVariant(Map<String, String> changed) throws Exception {
    int variantPort = freePort();
    Map<String, Object> variantEnv = env(variantPort);
    variantEnv.putAll(changed);
    String id =
        vertx
            .deployVerticle(
                ApiVerticle.class.getName(),
                new DeploymentOptions()
                    .setConfig(new JsonObject().put("env", new JsonObject(variantEnv))))
            .await(60, TimeUnit.SECONDS);
    return new Variant(variantPort, id);
  }

  /** An API instance deployed by {@link #deployVariant}. */
  public final class Variant implements AutoCloseable {
    public final int port;
    private final String deploymentId;

    private Variant(int port, String deploymentId) {
      this.port = port;
      this.deploymentId = deploymentId;
    }

    public String baseUrl() {
      return "http://127.0.0.1:" + port;
    }

    /** Runs a GraphQL operation on this instance; returns the whole response object. */
    public JsonObject graphql(String query, JsonObject variables, String bearer) {
      return graphqlAt(baseUrl(), query, variables, bearer);
    }

    @Override
    public void close() throws Exception {
      vertx.undeploy(deploymentId).await(30, TimeUnit.SECONDS);
    }
  }

  public Connection appConnection() throws Exception {
    return DriverManager.getConnection(db.appJdbcUrl(), db.appUser(), db.appPassword());
  }

  public HttpClient http() {
    return http;
  }

  /** Sends a GraphQL POST and returns status and body. */
  public HttpResponse<String> post(String body, String bearer) {
    return postAt(baseUrl(), body, bearer);
  }

  private HttpResponse<String> postAt(String base, String body, String bearer) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/graphql"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return send(b.build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a GraphQL operation; returns the whole response object. */
  public JsonObject graphql(String query, JsonObject variables, String bearer) {
    return graphqlAt(baseUrl(), query, variables, bearer);
  }

  private JsonObject graphqlAt(String base, String query, JsonObject variables, String bearer) {
    JsonObject body = new JsonObject().put("query", query);
    if (variables != null) {
      body.put("variables", variables);
    }
    HttpResponse<String> r = postAt(base, body.encode(), bearer);
    if (r.statusCode() != 200) {
      throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** Runs an operation that must succeed; returns its data. */
  public JsonObject data(String query, JsonObject variables) {
    JsonObject r = graphql(query, variables, null);
    if (r.getJsonArray("errors") != null) {
      throw new AssertionError("unexpected errors: " + r.getJsonArray("errors").encodePrettily());
    }
    return r.getJsonObject("data");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
