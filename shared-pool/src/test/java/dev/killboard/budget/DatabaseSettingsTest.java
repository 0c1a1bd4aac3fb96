package dev.killboard.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

  private static DatabaseSettings read(Map<String, String> env) {
    return Env.read(env, DatabaseSettings::from);
  }

  private static final String DO_URL =
      "postgresql://doadmin:s3cr%40t@db-postgresql-fra1-1.b.db.ondigitalocean.com:25060/defaultdb?sslmode=require";

  @Test
  void takesDigitalOceansConnectionStringAsPasted() {
    DatabaseSettings s = read(Map.of("KILLBOARD_DB_URL", DO_URL));
    assertThat(s.host()).isEqualTo("db-postgresql-fra1-1.b.db.ondigitalocean.com");
    assertThat(s.port()).isEqualTo(25060);
    assertThat(s.database()).isEqualTo("defaultdb");
    assertThat(s.user()).isEqualTo("doadmin");
    assertThat(Secret.reveal(s.password())).isEqualTo("s3cr@t");
    assertThat(s.sslMode()).isEqualTo(SslMode.REQUIRE);
    // libpq's require encrypts without checking the certificate against the JVM's CAs.
    assertThat(s.trustAll()).isTrue();
    PgConnectOptions options = s.connectOptions("test");
    assertThat(options.getSslMode()).isEqualTo(SslMode.REQUIRE);
    assertThat(options.getSslOptions().isTrustAll()).isTrue();
    assertThat(options.getPassword()).isEqualTo("s3cr@t");
    assertThat(s.jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://db-postgresql-fra1-1.b.db.ondigitalocean.com:25060/defaultdb?sslmode=require");
    assertThat(s.toString()).doesNotContain("s3cr");
  }

  @Test
  void databaseUrlIsTheFallbackAndVariablesWinOverTheUrl() {
    DatabaseSettings s =
        read(
            Map.of(
                "DATABASE_URL",
                DO_URL,
                "KILLBOARD_DB_USER",
                "killboard",
                "KILLBOARD_DB_PASSWORD",
                "other",
                "KILLBOARD_DB_SSL_MODE",
                "verify-full",
                "KILLBOARD_DB_SSL_ROOT_CERT",
                "/etc/ca.crt"));
    assertThat(s.user()).isEqualTo("killboard");
    assertThat(Secret.reveal(s.password())).isEqualTo("other");
    assertThat(s.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(s.trustAll()).isFalse();
    PgConnectOptions options = s.connectOptions("test");
    assertThat(options.getSslOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(((PemTrustOptions) options.getSslOptions().getTrustOptions()).getCertPaths())
        .containsExactly("/etc/ca.crt");
    assertThat(s.jdbcUrl()).endsWith("?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.crt");
    assertThat(
            read(Map.of("KILLBOARD_DB_URL", "postgresql://a@one/kb", "DATABASE_URL", DO_URL))
                .host())
        .isEqualTo("one");
  }

  @Test
  void withoutUrlTheSeparateVariablesAndDefaultsApply() {
    DatabaseSettings s =
        read(Map.of("KILLBOARD_DB_HOST", "10.0.0.5", "KILLBOARD_DB_PASSWORD", "pw"));
    assertThat(s.host()).isEqualTo("10.0.0.5");
    assertThat(s.port()).isEqualTo(5432);
    assertThat(s.database()).isEqualTo("killboard");
    assertThat(s.user()).isEqualTo("killboard");
    assertThat(s.sslMode()).isEqualTo(SslMode.DISABLE);
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://10.0.0.5:5432/killboard?sslmode=disable");
  }

  @Test
  void badValuesAreRefusedByNameWithoutThePassword() {
    assertThatThrownBy(() -> read(Map.of("KILLBOARD_DB_URL", "mysql://u:hunter2@h/db")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("KILLBOARD_DB_URL is invalid")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () -> read(Map.of("DATABASE_URL", "postgresql://u:hunter2@h/db?sslmode=yes")))
        .hasMessageStartingWith("DATABASE_URL is invalid")
        .hasMessageContaining("sslmode='yes'")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> read(Map.of("KILLBOARD_DB_SSL_MODE", "on")))
        .hasMessageContaining("KILLBOARD_DB_SSL_MODE='on'");
    assertThatThrownBy(
            () -> read(Map.of("KILLBOARD_DB_URL", "postgresql://u:hunter2@h/db?sslmode=verify-ca")))
        .hasMessageContaining("KILLBOARD_DB_SSL_ROOT_CERT")
        .hasMessageNotContaining("hunter2");
  }
}
