package dev.killboard.budget;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Where the application's PostgreSQL is and how to log in; the password never appears in toString or logs. */
public final class DatabaseSettings {
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final SslMode sslMode;
  private final boolean trustAll;
  private final int statementTimeoutMillis;

  public DatabaseSettings(String host, int port, String database, String user, String password, SslMode sslMode,
      boolean trustAll, int statementTimeoutMillis) {
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.database = Objects.requireNonNull(database, "database");
    this.user = Objects.requireNonNull(user, "user");
    this.password = password == null ? "" : password;
    this.sslMode = sslMode == null ? SslMode.DISABLE : sslMode;
    this.trustAll = trustAll;
    this.statementTimeoutMillis = statementTimeoutMillis;
  }

  /** Reads KILLBOARD_DB_URL or KILLBOARD_DB_HOST/PORT/NAME/USER, KILLBOARD_DB_PASSWORD, KILLBOARD_DB_SSL_MODE, KILLBOARD_DB_STATEMENT_TIMEOUT_MS. */
  public static DatabaseSettings fromEnv(Map<String, String> env) {
    String host = env.getOrDefault("KILLBOARD_DB_HOST", "127.0.0.1");
    int port = EnvValues.intValue(env, "KILLBOARD_DB_PORT", 5432);
    String database = env.getOrDefault("KILLBOARD_DB_NAME", "killboard");
    String user = env.getOrDefault("KILLBOARD_DB_USER", "killboard");
    String url = env.get("KILLBOARD_DB_URL");
    if (url != null && !url.isBlank()) {
      URI uri = parseUrl(url);
      host = uri.getHost();
      if (uri.getPort() > 0) {
        port = uri.getPort();
      }
      String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
      if (!path.isEmpty()) {
        database = path;
      }
      if (uri.getUserInfo() != null) {
        String info = uri.getUserInfo();
        if (info.contains(":")) {
          throw new BudgetConfigException("KILLBOARD_DB_URL must not contain a password (it would end up in logs and process lists);"
              + " put it in KILLBOARD_DB_PASSWORD instead.");
        }
        user = info;
      }
    }
    String mode = env.getOrDefault("KILLBOARD_DB_SSL_MODE", "disable").trim().toUpperCase(Locale.ROOT).replace('-', '_');
    SslMode ssl;
    try {
      ssl = SslMode.valueOf(mode);
    } catch (IllegalArgumentException e) {
      throw new BudgetConfigException("KILLBOARD_DB_SSL_MODE='" + env.get("KILLBOARD_DB_SSL_MODE")
          + "' is not one of disable, allow, prefer, require, verify-ca, verify-full.");
    }
    boolean trustAll = Boolean.parseBoolean(env.getOrDefault("KILLBOARD_DB_SSL_TRUST_ALL", "false"));
    int statementTimeout = EnvValues.intValue(env, "KILLBOARD_DB_STATEMENT_TIMEOUT_MS", 30_000);
    return new DatabaseSettings(host, port, database, user, env.get("KILLBOARD_DB_PASSWORD"), ssl, trustAll, statementTimeout)
        .validate();
  }

  private static URI parseUrl(String url) {
    String u = url.trim();
    if (u.startsWith("jdbc:")) {
      u = u.substring(5);
    }
    if (!u.startsWith("postgresql://") && !u.startsWith("postgres://")) {
      throw new BudgetConfigException("KILLBOARD_DB_URL must look like postgresql://user@host:port/database (got a value starting '"
          + u.substring(0, Math.min(12, u.length())) + "').");
    }
    try {
      URI uri = URI.create(u);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new BudgetConfigException("KILLBOARD_DB_URL is not a valid URL (" + e.getMessage()
          + "); expected postgresql://user@host:port/database.");
    }
  }

  public DatabaseSettings validate() {
    if (host.isBlank()) {
      throw new BudgetConfigException("KILLBOARD_DB_HOST is empty; set it to the PostgreSQL host name.");
    }
    if (port < 1 || port > 65535) {
      throw new BudgetConfigException("KILLBOARD_DB_PORT=" + port + " is not a TCP port; use 1..65535 (PostgreSQL's default is 5432).");
    }
    if (database.isBlank()) {
      throw new BudgetConfigException("KILLBOARD_DB_NAME is empty; set it to the database name.");
    }
    if (user.isBlank()) {
      throw new BudgetConfigException("KILLBOARD_DB_USER is empty; set it to the application role (not a superuser).");
    }
    if (statementTimeoutMillis < 0) {
      throw new BudgetConfigException("KILLBOARD_DB_STATEMENT_TIMEOUT_MS must be 0 (none) or positive.");
    }
    return this;
  }

  public String host() { return host; }
  public int port() { return port; }
  public String database() { return database; }
  public String user() { return user; }
  public String password() { return password; }
  public SslMode sslMode() { return sslMode; }
  public int statementTimeoutMillis() { return statementTimeoutMillis; }

  /** A JDBC URL without credentials, for tools such as Flyway that need one. */
  public String jdbcUrl() {
    String ssl = sslMode == SslMode.DISABLE ? "disable" : sslMode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + ssl;
  }

  /** Connect options for vertx-pg-client; the statement timeout is set per session so a runaway query cannot hold a permit forever. */
  public PgConnectOptions connectOptions(String applicationName) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        .setSslMode(sslMode).setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(512)
        .setReconnectAttempts(0);
    if (trustAll) {
      options.getSslOptions().setTrustAll(true);
    }
    options.addProperty("application_name", applicationName);
    if (statementTimeoutMillis > 0) {
      options.addProperty("statement_timeout", Integer.toString(statementTimeoutMillis));
    }
    return options;
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + "/" + database + " (ssl " + sslMode.name().toLowerCase(Locale.ROOT) + ")";
  }
}
