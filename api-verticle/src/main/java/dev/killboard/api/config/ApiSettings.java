package dev.killboard.api.config;

import dev.killboard.config.Env;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the API reads from the environment, read by {@link #from(Env)} (docs/configuration.md
 * lists every variable and its default).
 *
 * @param idleTimeoutSeconds connections with nothing read or written for this long are closed (0:
 *     never)
 * @param headerTimeoutMillis a connection must have sent its first request's headers within this
 *     time
 * @param maxSubscriptionsPerSocket subscriptions one WebSocket may run at once
 * @param maxSseStreamsPerClient event streams (graphql-sse) one client address may hold open on one
 *     instance; 0: no cap
 * @param trustForwardedFor whether the client address is taken from X-Forwarded-For (only behind a
 *     proxy that sets it)
 */
public record ApiSettings(
    String httpHost,
    int httpPort,
    List<String> corsOrigins,
    boolean graphiqlEnabled,
    boolean introspectionEnabled,
    boolean migrateOnStart,
    QueryLimits limits,
    SsoSettings sso,
    int workerStatusIntervalMillis,
    int sseKeepAliveMillis,
    int idleTimeoutSeconds,
    int headerTimeoutMillis,
    int maxSubscriptionsPerSocket,
    int maxSseStreamsPerClient,
    boolean trustForwardedFor,
    ClientLimits clientLimits) {

  /** Reads every variable the API uses. */
  public static ApiSettings from(Env env) {
    String host = env.string("KILLBOARD_HTTP_HOST", "0.0.0.0", "the address the API listens on");
    int port = env.integer("KILLBOARD_HTTP_PORT", 8080, 0, 65535, "the API's HTTP port");
    List<String> origins =
        env.list(
            "KILLBOARD_CORS_ORIGINS",
            List.of("http://localhost:3000"),
            "browser origins allowed to call the API (* for any)");
    origins.stream()
        .filter(o -> !o.equals("*") && !SsoSettings.isHttpUrl(o))
        .forEach(
            o ->
                env.problem(
                    "KILLBOARD_CORS_ORIGINS entry '"
                        + o
                        + "' must be * or an http:// or https:// URL with a host."));
    Duration keepAlive =
        env.duration(
            "KILLBOARD_SSE_KEEPALIVE",
            Duration.ofSeconds(15),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10),
            "how often an idle event stream gets a keep-alive comment");
    Duration idle =
        env.duration(
            "KILLBOARD_HTTP_IDLE_TIMEOUT",
            Duration.ofMinutes(2),
            Duration.ZERO,
            Duration.ofDays(1),
            "connections with nothing read or written for this long are closed (0: never)");
    if (!idle.isZero() && idle.compareTo(keepAlive) <= 0) {
      env.problem(
          "KILLBOARD_HTTP_IDLE_TIMEOUT="
              + Env.human(idle)
              + " is not longer than KILLBOARD_SSE_KEEPALIVE="
              + Env.human(keepAlive)
              + "; live streams would be cut between keep-alives. Raise the timeout (or 0 for none).");
    }
    QueryLimits limits = QueryLimits.from(env);
    return new ApiSettings(
        host,
        port,
        origins,
        env.bool(
            "KILLBOARD_GRAPHIQL_ENABLED", true, "whether GET /graphql serves the GraphiQL page"),
        env.bool("KILLBOARD_INTROSPECTION_ENABLED", true, "whether the schema may be introspected"),
        env.bool(
            "KILLBOARD_MIGRATE_ON_START",
            true,
            "whether the API applies pending migrations at start"),
        limits,
        SsoSettings.from(env, host, port),
        millis(
            env.duration(
                "KILLBOARD_WORKER_STATUS_INTERVAL",
                Duration.ofSeconds(5),
                Duration.ofMillis(100),
                Duration.ofHours(1),
                "how often workerStatus subscribers get a new reading")),
        millis(keepAlive),
        (int) idle.toSeconds(),
        millis(
            env.duration(
                "KILLBOARD_HTTP_HEADER_TIMEOUT",
                Duration.ofSeconds(10),
                Duration.ofMillis(100),
                Duration.ofMinutes(10),
                "a connection must have sent its first request's headers within this time")),
        env.integer(
            "KILLBOARD_MAX_SUBSCRIPTIONS_PER_SOCKET",
            20,
            1,
            10_000,
            "subscriptions one WebSocket may run"),
        env.integer(
            "KILLBOARD_MAX_SSE_STREAMS_PER_CLIENT",
            20,
            0,
            100_000,
            "event streams one client address may hold open on one API instance (0: no cap)"),
        env.bool(
            "KILLBOARD_TRUST_X_FORWARDED_FOR",
            false,
            "whether the client address is taken from X-Forwarded-For (only behind a proxy that sets it)"),
        ClientLimits.from(env, limits));
  }

  /** Reads {@code env} and fails with every problem at once. */
  public static ApiSettings fromEnv(Map<String, String> env) {
    return Env.read(env, ApiSettings::from);
  }

  static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /** The same settings listening on another port (tests and the demo bind to port 0). */
  public ApiSettings withHttpPort(int port) {
    return new ApiSettings(
        httpHost,
        port,
        corsOrigins,
        graphiqlEnabled,
        introspectionEnabled,
        migrateOnStart,
        limits,
        sso,
        workerStatusIntervalMillis,
        sseKeepAliveMillis,
        idleTimeoutSeconds,
        headerTimeoutMillis,
        maxSubscriptionsPerSocket,
        maxSseStreamsPerClient,
        trustForwardedFor,
        clientLimits);
  }

  @Override
  public String toString() {
    return "http="
        + httpHost
        + ":"
        + httpPort
        + ", cors="
        + corsOrigins
        + ", graphiql="
        + graphiqlEnabled
        + ", introspection="
        + introspectionEnabled
        + ", "
        + limits
        + ", "
        + clientLimits
        + ", "
        + sso;
  }
}
