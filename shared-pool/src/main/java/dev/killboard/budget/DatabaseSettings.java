package dev.killboard.budget;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import dev.killboard.schema.DatabaseUrl;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the application's PostgreSQL is and how to log in, read by {@link #from(Env)}; the password
 * never appears in toString or logs.
 */
public record DatabaseSettings(
    String host,
    int port,
    String database,
    String user,
    String password,
    SslMode sslMode,
    boolean trustAll,
    String rootCert,
    int statementTimeoutMillis) {

  public DatabaseSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    password = password == null ? "" : password;
    sslMode = sslMode == null ? SslMode.DISABLE : sslMode;
    rootCert = rootCert == null || rootCert.isBlank() ? null : rootCert.trim();
  }

  public DatabaseSettings(
      String host,
      int port,
      String database,
      String user,
      String password,
      SslMode sslMode,
      boolean trustAll,
      int statementTimeoutMillis) {
    this(host, port, database, user, password, sslMode, trustAll, null, statementTimeoutMillis);
  }

  /**
   * Reads KILLBOARD_DB_URL (or DATABASE_URL) or KILLBOARD_DB_HOST/PORT/NAME, and KILLBOARD_DB_USER,
   * KILLBOARD_DB_PASSWORD, KILLBOARD_DB_SSL_MODE, KILLBOARD_DB_SSL_TRUST_ALL,
   * KILLBOARD_DB_SSL_ROOT_CERT, KILLBOARD_DB_STATEMENT_TIMEOUT. The URL is parsed by {@link
   * DatabaseUrl#from(Env)}, the one parser of the pools and the migration command; the variables
   * win over the URL.
   */
  public static DatabaseSettings from(Env env) {
    DatabaseUrl url = DatabaseUrl.from(env);
    String host =
        env.string(
            "KILLBOARD_DB_HOST",
            url == null ? "127.0.0.1" : url.host(),
            "the PostgreSQL host when no URL is set");
    int port =
        env.integer(
            "KILLBOARD_DB_PORT", url == null ? 5432 : url.port(), 1, 65535, "the PostgreSQL port");
    String database =
        env.string(
            "KILLBOARD_DB_NAME", url == null ? "killboard" : url.database(), "the database name");
    String user =
        env.string(
            DatabaseUrl.USER,
            url == null ? "killboard" : url.user().orElse("killboard"),
            "the application role (not a superuser)");
    String password =
        Secret.reveal(env.secret(DatabaseUrl.PASSWORD, "the application role's password"));
    password = password != null ? password : url == null ? null : url.password().orElse(null);
    SslMode ssl =
        env.choice(
            "KILLBOARD_DB_SSL_MODE",
            url == null ? SslMode.DISABLE : SslMode.of(url.sslMode().orElse("disable")),
            "libpq's sslmode (the URL's ?sslmode= when unset)");
    String rootCert =
        env.string(
            "KILLBOARD_DB_SSL_ROOT_CERT",
            url == null ? null : url.parameter("sslrootcert").orElse(null),
            "PEM file of the CA that signed the server's certificate");
    // libpq's allow, prefer and require encrypt without checking the certificate; only verify-*
    // check it (against
    // the root certificate). Without trust-all, require would check against the JVM's CAs, which a
    // managed database's
    // own CA is not among, and the connection would fail where psql connects.
    boolean verifies = ssl == SslMode.VERIFY_CA || ssl == SslMode.VERIFY_FULL;
    boolean trustAll =
        env.bool(
            "KILLBOARD_DB_SSL_TRUST_ALL",
            !verifies,
            "encrypt without checking the server's certificate (default: unless sslmode is verify-*)");
    if (verifies && rootCert == null && !trustAll) {
      env.problem(
          "sslmode "
              + ssl.name().toLowerCase(Locale.ROOT).replace('_', '-')
              + " checks the server's"
              + " certificate, so it needs the CA certificate that signed it: set KILLBOARD_DB_SSL_ROOT_CERT to its PEM file"
              + " (DigitalOcean: the database's 'Download CA certificate'), or use sslmode=require to encrypt without checking.");
    }
    Duration timeout =
        env.duration(
            "KILLBOARD_DB_STATEMENT_TIMEOUT",
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ofDays(1),
            "the longest SQL statement of a session (0: none)");
    return new DatabaseSettings(
        host, port, database, user, password, ssl, trustAll, rootCert, (int) timeout.toMillis());
  }

  /** Reads {@code env} and fails with every problem at once. */
  public static DatabaseSettings fromEnv(Map<String, String> env) {
    return Env.read(env, DatabaseSettings::from);
  }

  /** The same database with another statement timeout (the API's own, shorter one). */
  public DatabaseSettings withStatementTimeoutMillis(int millis) {
    return new DatabaseSettings(
        host, port, database, user, password, sslMode, trustAll, rootCert, millis);
  }

  /** A JDBC URL without credentials, for tools such as Flyway that need one. */
  public String jdbcUrl() {
    String ssl =
        sslMode == SslMode.DISABLE
            ? "disable"
            : sslMode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    String url = "jdbc:postgresql://" + hostPart + ":" + port + "/" + database + "?sslmode=" + ssl;
    return rootCert == null
        ? url
        : url + "&sslrootcert=" + URLEncoder.encode(rootCert, StandardCharsets.UTF_8);
  }

  /**
   * Connect options for vertx-pg-client; the statement timeout is set per session so a runaway
   * query cannot hold a permit forever.
   */
  public PgConnectOptions connectOptions(String applicationName) {
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(host)
            .setPort(port)
            .setDatabase(database)
            .setUser(user)
            .setPassword(password)
            .setSslMode(sslMode)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(512)
            .setReconnectAttempts(0);
    if (sslMode != SslMode.DISABLE) {
      // PgConnectOptions starts without SSL options: setting trust on them directly threw a
      // NullPointerException.
      ClientSSLOptions tls =
          options.getSslOptions() == null ? new ClientSSLOptions() : options.getSslOptions();
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
    return user
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database
        + " (ssl "
        + sslMode.name().toLowerCase(Locale.ROOT)
        + ")";
  }
}
