package dev.killboard.budget;

import dev.killboard.schema.DatabaseUrl;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Where the application's PostgreSQL is and how to log in; the password never appears in toString or logs. */
public final class DatabaseSettings {
  /** The database URL variable. */
  public static final String URL = "KILLBOARD_DB_URL";
  /** Read when {@link #URL} is not set: what hosting platforms (and the original) call the connection string. */
  public static final String FALLBACK_URL = "DATABASE_URL";

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final SslMode sslMode;
  private final boolean trustAll;
  private final String rootCert;
  private final int statementTimeoutMillis;

  public DatabaseSettings(String host, int port, String database, String user, String password, SslMode sslMode,
      boolean trustAll, int statementTimeoutMillis) {
    this(host, port, database, user, password, sslMode, trustAll, null, statementTimeoutMillis);
  }

  /** With {@code rootCert}, a PEM file of the CA that signed the server's certificate (verify-ca, verify-full). */
  public DatabaseSettings(String host, int port, String database, String user, String password, SslMode sslMode,
      boolean trustAll, String rootCert, int statementTimeoutMillis) {
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.database = Objects.requireNonNull(database, "database");
    this.user = Objects.requireNonNull(user, "user");
    this.password = password == null ? "" : password;
    this.sslMode = sslMode == null ? SslMode.DISABLE : sslMode;
    this.trustAll = trustAll;
    this.rootCert = rootCert == null || rootCert.isBlank() ? null : rootCert.trim();
    this.statementTimeoutMillis = statementTimeoutMillis;
  }

  /**
   * Reads KILLBOARD_DB_URL (or DATABASE_URL) or KILLBOARD_DB_HOST/PORT/NAME, KILLBOARD_DB_USER, KILLBOARD_DB_PASSWORD,
   * KILLBOARD_DB_SSL_MODE, KILLBOARD_DB_SSL_TRUST_ALL, KILLBOARD_DB_SSL_ROOT_CERT, KILLBOARD_DB_STATEMENT_TIMEOUT_MS.
   * The URL is parsed by the migration command's {@link DatabaseUrl} and may carry {@code user:password@} and
   * {@code ?sslmode=…&sslrootcert=…}, as DigitalOcean's connection string does; the variables win over the URL.
   */
  public static DatabaseSettings fromEnv(Map<String, String> env) {
    String urlVariable = isSet(env, URL) ? URL : isSet(env, FALLBACK_URL) ? FALLBACK_URL : null;
    DatabaseUrl url = null;
    if (urlVariable != null) {
      try {
        url = DatabaseUrl.parse(env.get(urlVariable));
      } catch (IllegalArgumentException e) {
        // DatabaseUrl's messages mask the password.
        throw new BudgetConfigException(urlVariable + " is invalid: " + e.getMessage()
            + "; expected postgresql://user:password@host:port/database?sslmode=require.");
      }
    }
    String host = url != null ? url.host() : value(env, "KILLBOARD_DB_HOST", "127.0.0.1");
    int port = url != null ? url.port() : EnvValues.intValue(env, "KILLBOARD_DB_PORT", 5432);
    String database = url != null ? url.database() : value(env, "KILLBOARD_DB_NAME", "killboard");
    String urlUser = url == null ? null : url.user().orElse(null);
    String user = value(env, "KILLBOARD_DB_USER", urlUser == null ? "killboard" : urlUser);
    String password = env.get("KILLBOARD_DB_PASSWORD");
    if (password == null || password.isEmpty()) {
      password = url == null ? null : url.password().orElse(null);
    }

    String modeVariable = isSet(env, "KILLBOARD_DB_SSL_MODE") ? "KILLBOARD_DB_SSL_MODE" : null;
    String mode = modeVariable != null ? env.get(modeVariable).trim().toLowerCase(Locale.ROOT)
        : url != null ? url.sslMode().orElse("disable") : "disable";
    if (!DatabaseUrl.SSL_MODES.contains(mode)) {
      throw new BudgetConfigException("KILLBOARD_DB_SSL_MODE='" + env.get("KILLBOARD_DB_SSL_MODE")
          + "' is not one of " + String.join(", ", DatabaseUrl.SSL_MODES) + ".");
    }
    SslMode ssl = SslMode.of(mode);
    String rootCert = value(env, "KILLBOARD_DB_SSL_ROOT_CERT", url == null ? null : url.parameter("sslrootcert").orElse(null));
    // libpq's allow, prefer and require encrypt without checking the certificate; only verify-* check it (against
    // the root certificate). Without trust-all, require would check against the JVM's CAs, which a managed database's
    // own CA is not among, and the connection would fail where psql connects.
    boolean verifies = ssl == SslMode.VERIFY_CA || ssl == SslMode.VERIFY_FULL;
    boolean trustAll = EnvValues.booleanValue(env, "KILLBOARD_DB_SSL_TRUST_ALL", !verifies);
    if (verifies && rootCert == null && !trustAll) {
      throw new BudgetConfigException("sslmode " + mode + " checks the server's certificate, so it needs the CA"
          + " certificate that signed it: set KILLBOARD_DB_SSL_ROOT_CERT to its PEM file (DigitalOcean: the database's"
          + " 'Download CA certificate'), or use sslmode=require to encrypt without checking.");
    }
    int statementTimeout = EnvValues.intValue(env, "KILLBOARD_DB_STATEMENT_TIMEOUT_MS", 30_000);
    return new DatabaseSettings(host, port, database, user, password, ssl, trustAll, rootCert, statementTimeout)
        .validate();
  }

  private static boolean isSet(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isBlank();
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    return isSet(env, name) ? env.get(name).trim() : fallback;
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
  public boolean trustAll() { return trustAll; }
  public String rootCert() { return rootCert; }
  public int statementTimeoutMillis() { return statementTimeoutMillis; }

  /** A JDBC URL without credentials, for tools such as Flyway that need one. */
  public String jdbcUrl() {
    String ssl = sslMode == SslMode.DISABLE ? "disable" : sslMode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    String url = "jdbc:postgresql://" + hostPart + ":" + port + "/" + database + "?sslmode=" + ssl;
    return rootCert == null ? url : url + "&sslrootcert=" + java.net.URLEncoder.encode(rootCert, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Connect options for vertx-pg-client; the statement timeout is set per session so a runaway query cannot hold a permit forever. */
  public PgConnectOptions connectOptions(String applicationName) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        .setSslMode(sslMode).setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(512)
        .setReconnectAttempts(0);
    if (sslMode != SslMode.DISABLE) {
      // PgConnectOptions starts without SSL options: setting trust on them directly threw a NullPointerException.
      ClientSSLOptions tls = options.getSslOptions() == null ? new ClientSSLOptions() : options.getSslOptions();
      if (trustAll) {
        tls.setTrustAll(true);
      } else if (rootCert != null) {
        tls.setTrustOptions(new PemTrustOptions().addCertPath(rootCert));
      }
      if (sslMode == SslMode.VERIFY_FULL) {
        tls.setHostnameVerificationAlgorithm("HTTPS");
      }
      options.setSslOptions(tls);
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
