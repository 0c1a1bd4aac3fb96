package dev.killboard.budget;

import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import dev.killboard.schema.DatabaseUrl;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the application's PostgreSQL is and how to log in: {@link DatabaseUrl#from}, the parser the
 * migration command uses too, under the separate variables (which win).
 */
public record DatabaseSettings(
    String host,
    int port,
    String database,
    String user,
    Secret password,
    SslMode sslMode,
    boolean trustAll,
    String rootCert,
    Duration statementTimeout) {

  /** Reads the URL, then the variables that win over it. */
  public static DatabaseSettings from(Env env) {
    DatabaseUrl url = DatabaseUrl.from(env);
    url =
        url != null ? url : new DatabaseUrl("127.0.0.1", 5432, "killboard", null, null, null, null);
    String host =
        env.string("KILLBOARD_DB_HOST", url.host()).about("the PostgreSQL host when no URL is set");
    int port = env.integer("KILLBOARD_DB_PORT", url.port(), 1, 65535).about("the PostgreSQL port");
    String name = env.string("KILLBOARD_DB_NAME", url.database()).about("the database name");
    String user =
        env.string(DatabaseUrl.USER, Objects.requireNonNullElse(url.user(), "killboard"))
            .about("the application role (not a superuser)");
    Secret password = env.secret(DatabaseUrl.PASSWORD).about("the application role's password");
    SslMode ssl =
        env.choice(
                "KILLBOARD_DB_SSL_MODE", Objects.requireNonNullElse(url.sslMode(), SslMode.DISABLE))
            .about("libpq's sslmode (the URL's ?sslmode= when unset)");
    String rootCert =
        env.string("KILLBOARD_DB_SSL_ROOT_CERT", url.rootCert())
            .about("PEM file of the CA that signed the server's certificate");
    // libpq's allow, prefer and require encrypt without checking the certificate; only verify-*
    // check it. Checking require's against the JVM's CAs, which a managed database's own CA is not
    // among, would fail where psql connects.
    boolean verifies = ssl == SslMode.VERIFY_CA || ssl == SslMode.VERIFY_FULL;
    boolean trustAll =
        env.bool("KILLBOARD_DB_SSL_TRUST_ALL", !verifies)
            .about(
                "encrypt without checking the server's certificate (default: unless sslmode is verify-*)");
    env.require(
        !verifies || rootCert != null || trustAll,
        "sslmode %s checks the server's certificate, so it needs the CA certificate that signed it: set KILLBOARD_DB_SSL_ROOT_CERT to its PEM file (DigitalOcean: the database's 'Download CA certificate'), or use sslmode=require to encrypt without checking."
            .formatted(ssl.value));
    password = password != null ? password : url.password();
    return new DatabaseSettings(
        host,
        port,
        name,
        user,
        password,
        ssl,
        trustAll,
        rootCert,
        env.duration("KILLBOARD_DB_STATEMENT_TIMEOUT", "30s", "0s", "1d")
            .about("the longest SQL statement of a session (0: none)"));
  }

  /** The same database with another statement timeout (the API's own, shorter one). */
  public DatabaseSettings withStatementTimeout(Duration timeout) {
    return new DatabaseSettings(
        host, port, database, user, password, sslMode, trustAll, rootCert, timeout);
  }

  /** A JDBC URL without credentials, for tools such as Flyway that need one. */
  public String jdbcUrl() {
    return new DatabaseUrl(host, port, database, null, null, sslMode, rootCert).jdbcUrl();
  }

  /** vertx-pg-client's options; statement_timeout per session: no query holds a permit forever. */
  public PgConnectOptions connectOptions(String applicationName) {
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(host)
            .setPort(port)
            .setDatabase(database)
            .setUser(user)
            .setPassword(Objects.requireNonNullElse(Secret.reveal(password), ""))
            .setSslMode(sslMode)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(512)
            .setReconnectAttempts(0)
            .addProperty("application_name", applicationName);
    if (sslMode != SslMode.DISABLE) {
      // PgConnectOptions starts without SSL options (setting trust on them threw an NPE).
      ClientSSLOptions tls = new ClientSSLOptions().setTrustAll(trustAll);
      if (sslMode == SslMode.VERIFY_FULL) {
        tls.setHostnameVerificationAlgorithm("HTTPS");
      }
      boolean ca = !trustAll && rootCert != null;
      options.setSslOptions(
          tls.setTrustOptions(ca ? new PemTrustOptions().addCertPath(rootCert) : null));
    }
    if (!statementTimeout.isZero()) {
      options.addProperty("statement_timeout", Long.toString(statementTimeout.toMillis()));
    }
    return options;
  }
}
