package dev.killboard.api.config;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Everything the API reads from the environment, validated at start. Unset variables take the documented defaults
 * (docs/api.md, "Configuration"); a wrong value fails the start with a message naming the variable.
 */
public final class ApiSettings {
  private final String httpHost;
  private final int httpPort;
  private final List<String> corsOrigins;
  private final boolean graphiqlEnabled;
  private final boolean introspectionEnabled;
  private final boolean migrateOnStart;
  private final QueryLimits limits;
  private final SsoSettings sso;
  private final int workerStatusIntervalMillis;
  private final int sseKeepAliveMillis;
  private final int idleTimeoutSeconds;
  private final int headerTimeoutMillis;
  private final int maxSubscriptionsPerSocket;
  private final int maxSseStreamsPerClient;
  private final boolean trustForwardedFor;
  private final ClientLimits clientLimits;

  private ApiSettings(String httpHost, int httpPort, List<String> corsOrigins, boolean graphiqlEnabled,
      boolean introspectionEnabled, boolean migrateOnStart, QueryLimits limits, SsoSettings sso,
      int workerStatusIntervalMillis, int sseKeepAliveMillis, int idleTimeoutSeconds, int headerTimeoutMillis,
      int maxSubscriptionsPerSocket, int maxSseStreamsPerClient, boolean trustForwardedFor, ClientLimits clientLimits) {
    this.httpHost = httpHost;
    this.httpPort = httpPort;
    this.corsOrigins = List.copyOf(corsOrigins);
    this.graphiqlEnabled = graphiqlEnabled;
    this.introspectionEnabled = introspectionEnabled;
    this.migrateOnStart = migrateOnStart;
    this.limits = limits;
    this.sso = sso;
    this.workerStatusIntervalMillis = workerStatusIntervalMillis;
    this.sseKeepAliveMillis = sseKeepAliveMillis;
    this.idleTimeoutSeconds = idleTimeoutSeconds;
    this.headerTimeoutMillis = headerTimeoutMillis;
    this.maxSubscriptionsPerSocket = maxSubscriptionsPerSocket;
    this.maxSseStreamsPerClient = maxSseStreamsPerClient;
    this.trustForwardedFor = trustForwardedFor;
    this.clientLimits = clientLimits;
  }

  /** Reads and validates every KILLBOARD_* setting the API uses (see docs/api.md for the list and defaults). */
  public static ApiSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    String host = r.string("KILLBOARD_HTTP_HOST", "0.0.0.0");
    int port = r.integer("KILLBOARD_HTTP_PORT", 8080, 0, 65535);
    List<String> origins = r.list("KILLBOARD_CORS_ORIGINS", List.of("http://localhost:3000"));
    for (String origin : origins) {
      if (!origin.equals("*")) {
        requireHttpUrl("KILLBOARD_CORS_ORIGINS", origin);
      }
    }
    int keepAlive = r.integer("KILLBOARD_SSE_KEEPALIVE_MS", 15_000, 1000, 600_000);
    int idle = r.integer("KILLBOARD_HTTP_IDLE_TIMEOUT_SECONDS", 120, 0, 86_400);
    if (idle > 0 && idle * 1000L <= keepAlive) {
      throw new ApiConfigException("KILLBOARD_HTTP_IDLE_TIMEOUT_SECONDS=" + idle + " is not longer than KILLBOARD_SSE_KEEPALIVE_MS="
          + keepAlive + "; live streams would be cut between keep-alives. Raise the timeout (or 0 for none).");
    }
    QueryLimits limits = QueryLimits.fromEnv(r);
    return new ApiSettings(host, port, origins,
        r.bool("KILLBOARD_GRAPHIQL_ENABLED", true),
        r.bool("KILLBOARD_INTROSPECTION_ENABLED", true),
        r.bool("KILLBOARD_MIGRATE_ON_START", true),
        limits,
        SsoSettings.fromEnv(r),
        r.integer("KILLBOARD_WORKER_STATUS_INTERVAL_MS", 5000, 100, 3_600_000),
        keepAlive, idle,
        r.integer("KILLBOARD_HTTP_HEADER_TIMEOUT_MS", 10_000, 100, 600_000),
        r.integer("KILLBOARD_MAX_SUBSCRIPTIONS_PER_SOCKET", 20, 1, 10_000),
        r.integer("KILLBOARD_MAX_SSE_STREAMS_PER_CLIENT", 20, 0, 100_000),
        r.bool("KILLBOARD_TRUST_X_FORWARDED_FOR", false),
        ClientLimits.fromEnv(r, limits));
  }

  static URI requireHttpUrl(String name, String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new ApiConfigException(name + "='" + value + "' is not a URL; use something like https://host[:port][/path].");
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new ApiConfigException(name + "='" + value + "' must be an http:// or https:// URL with a host.");
    }
    return uri;
  }

  /** The same settings listening on another port (tests and the demo bind to port 0). */
  public ApiSettings withHttpPort(int port) {
    return new ApiSettings(httpHost, port, corsOrigins, graphiqlEnabled, introspectionEnabled, migrateOnStart, limits, sso,
        workerStatusIntervalMillis, sseKeepAliveMillis, idleTimeoutSeconds, headerTimeoutMillis, maxSubscriptionsPerSocket, maxSseStreamsPerClient, trustForwardedFor, clientLimits);
  }

  public String httpHost() { return httpHost; }
  public int httpPort() { return httpPort; }
  public List<String> corsOrigins() { return corsOrigins; }
  public boolean graphiqlEnabled() { return graphiqlEnabled; }
  public boolean introspectionEnabled() { return introspectionEnabled; }
  public boolean migrateOnStart() { return migrateOnStart; }
  public QueryLimits limits() { return limits; }
  public SsoSettings sso() { return sso; }
  public int workerStatusIntervalMillis() { return workerStatusIntervalMillis; }
  public int sseKeepAliveMillis() { return sseKeepAliveMillis; }
  /** Connections with nothing read or written for this long are closed (0: never). */
  public int idleTimeoutSeconds() { return idleTimeoutSeconds; }
  /** A connection must have sent its first request's headers within this time. */
  public int headerTimeoutMillis() { return headerTimeoutMillis; }
  /** Subscriptions one WebSocket may run at once. */
  public int maxSubscriptionsPerSocket() { return maxSubscriptionsPerSocket; }
  /** Event streams (graphql-sse) one client address may hold open on one API instance; 0: no cap. */
  public int maxSseStreamsPerClient() { return maxSseStreamsPerClient; }
  /** Whether the client address is taken from X-Forwarded-For (only behind a proxy that sets it). */
  public boolean trustForwardedFor() { return trustForwardedFor; }
  /** Per-client rate limits, admin characters and the public metrics switch. */
  public ClientLimits clientLimits() { return clientLimits; }

  @Override
  public String toString() {
    return "http=" + httpHost + ":" + httpPort + ", cors=" + corsOrigins + ", graphiql=" + graphiqlEnabled
        + ", introspection=" + introspectionEnabled + ", " + limits + ", " + clientLimits + ", " + sso;
  }
}
