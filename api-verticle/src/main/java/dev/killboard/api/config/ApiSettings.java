package dev.killboard.api.config;

import dev.killboard.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/** Everything the API reads from the environment (docs/configuration.md lists each variable). */
public record ApiSettings(
    String httpHost,
    int httpPort,
    List<String> corsOrigins,
    boolean graphiqlEnabled,
    boolean introspectionEnabled,
    boolean migrateOnStart,
    QueryLimits limits,
    SsoSettings sso,
    Duration workerStatusInterval,
    Duration sseKeepAlive,
    Duration idleTimeout,
    Duration headerTimeout,
    int maxSubscriptionsPerSocket,
    int maxSseStreamsPerClient,
    boolean trustForwardedFor,
    ClientLimits clientLimits) {

  public static ApiSettings from(Env env) {
    String host =
        env.string("KILLBOARD_HTTP_HOST", "0.0.0.0").about("the address the API listens on");
    int port = env.integer("KILLBOARD_HTTP_PORT", 8080, 0, 65535).about("the API's HTTP port");
    List<String> origins =
        env.list("KILLBOARD_CORS_ORIGINS", List.of("http://localhost:3000"))
            .about("browser origins allowed to call the API (* for any)");
    for (String o : origins) {
      env.require(
          o.equals("*") || isHttpUrl(o),
          "KILLBOARD_CORS_ORIGINS entry '%s' must be * or an http:// or https:// URL with a host."
              .formatted(o));
    }
    Duration keepAlive =
        env.duration("KILLBOARD_SSE_KEEPALIVE", "15s", "1s", "10m")
            .about("how often an idle event stream gets a keep-alive comment");
    Duration idle =
        env.duration("KILLBOARD_HTTP_IDLE_TIMEOUT", "2m", "0s", "1d")
            .about("connections with nothing read or written for this long are closed (0: never)");
    env.require(
        idle.isZero() || idle.compareTo(keepAlive) > 0,
        "KILLBOARD_HTTP_IDLE_TIMEOUT=%s is not longer than KILLBOARD_SSE_KEEPALIVE=%s; live streams would be cut between keep-alives. Raise the timeout (or 0 for none)."
            .formatted(Env.human(idle), Env.human(keepAlive)));
    QueryLimits limits = QueryLimits.from(env);
    return new ApiSettings(
        host,
        port,
        origins,
        env.bool("KILLBOARD_GRAPHIQL_ENABLED", true)
            .about("whether GET /graphql serves the GraphiQL page"),
        env.bool("KILLBOARD_INTROSPECTION_ENABLED", true)
            .about("whether the schema may be introspected"),
        env.bool("KILLBOARD_MIGRATE_ON_START", true)
            .about("whether the API applies pending migrations at start"),
        limits,
        SsoSettings.from(env, host, port),
        env.duration("KILLBOARD_WORKER_STATUS_INTERVAL", "5s", "100ms", "1h")
            .about("how often workerStatus subscribers get a new reading"),
        keepAlive,
        idle,
        env.duration("KILLBOARD_HTTP_HEADER_TIMEOUT", "10s", "100ms", "10m")
            .about("a connection must have sent its first request's headers within this time"),
        env.integer("KILLBOARD_MAX_SUBSCRIPTIONS_PER_SOCKET", 20, 1, 10_000)
            .about("subscriptions one WebSocket may run"),
        env.integer("KILLBOARD_MAX_SSE_STREAMS_PER_CLIENT", 20, 0, 100_000)
            .about(
                "event streams one client address may hold open on one API instance (0: no cap)"),
        env.bool("KILLBOARD_TRUST_X_FORWARDED_FOR", false)
            .about(
                "whether the client address is taken from X-Forwarded-For (only behind a proxy that sets it)"),
        ClientLimits.from(env, limits));
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = new URI(value);
      return uri.getScheme() != null && uri.getScheme().matches("https?") && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
