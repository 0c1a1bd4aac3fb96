package dev.killboard.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.Secret;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void libpqUrlWithCredentialsBecomesACredentialFreeJdbcUrl() {
    DatabaseUrl url =
        DatabaseUrl.parse(
            "postgresql://doadmin:s3cr%40t+x@db-1.example.com:25060/defaultdb?sslmode=require");
    assertThat(url.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db-1.example.com:25060/defaultdb?sslmode=require");
    assertThat(url.user()).isEqualTo("doadmin");
    assertThat(Secret.reveal(url.password()))
        .as("'+' is a plus in the user-info")
        .isEqualTo("s3cr@t+x");
    assertThat(url.host()).isEqualTo("db-1.example.com");
    assertThat(url.port()).isEqualTo(25060);
    assertThat(url.database()).isEqualTo("defaultdb");
    assertThat(url.toString()).doesNotContain("s3cr");
    // What URLs allow unencoded in a password but fromUri does not read.
    assertThat(Secret.reveal(DatabaseUrl.parse("postgresql://u:p$ss&w+rd,(x)@h/db").password()))
        .isEqualTo("p$ss&w+rd,(x)");
  }

  @Test
  void jdbcUrlParametersUserAndPasswordAreLiftedOutAndOtherParametersDropped() {
    DatabaseUrl url =
        DatabaseUrl.parse(
            "jdbc:postgresql://127.0.0.1:5433/killboard?user=killboard&password=a%26b+c&ApplicationName=x");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/killboard");
    assertThat(url.user()).isEqualTo("killboard");
    assertThat(Secret.reveal(url.password()))
        .as("form-decoded like pgjdbc does")
        .isEqualTo("a&b c");
  }

  @Test
  void defaultsThePortAndAcceptsThePostgresScheme() {
    DatabaseUrl url = DatabaseUrl.parse("  postgres://localhost/kb  ");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/kb");
    assertThat(url.user()).as("fromUri's default user is not taken for one").isNull();
    assertThat(url.password()).isNull();
    assertThat(DatabaseUrl.parse("postgresql://[::1]:5433/kb?sslmode=disable").jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5433/kb?sslmode=disable");
  }

  @Test
  void rejectsWhatItCannotUseWithoutEchoingThePassword() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:hunter2@h/db"))
        .hasMessageContaining("unsupported URL scheme")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter2@h:5432/"))
        .hasMessageContaining("no database name")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql:///db?password=hunter2"))
        .hasMessageContaining("no host")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hun%zzter2@h/db"))
        .hasMessageContaining("malformed")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("zz");
    assertThatThrownBy(() -> DatabaseUrl.parse("")).hasMessageContaining("empty");
    // What PgConnectOptions.fromUri refuses: its reason, never its message (which quotes the URL).
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter2@h:0/db"))
        .hasMessageContaining("malformed URL in 'postgresql://u:****@h:0/db'")
        .hasMessageContaining("1-65535")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter2@h:abc/db"))
        .hasMessageContaining("malformed URL in 'postgresql://u:****@h:abc/db'")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void redactsPasswordsInFreeText() {
    assertThat(
            DatabaseUrl.redact(
                "failed for postgresql://u:hunter2@h/db and jdbc:postgresql://h/db?user=u&password=hunter2&x=1"))
        .isEqualTo(
            "failed for postgresql://u:****@h/db and jdbc:postgresql://h/db?user=u&password=****&x=1");
    assertThat(SchemaMigrations.redact("token hunter2 leaked", "hunter2"))
        .isEqualTo("token **** leaked");
  }

  @Test
  void exposesSslModeAndParametersAndRejectsUnknownModes() {
    DatabaseUrl url =
        DatabaseUrl.parse(
            "postgresql://u:hunter2@h:25060/db?SSLMode=verify-full&sslrootcert=%2Fetc%2Fca.crt");
    assertThat(url.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(url.rootCert()).isEqualTo("/etc/ca.crt");
    assertThat(url.jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:25060/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.crt");
    assertThat(url.toString()).doesNotContain("hunter2");
    assertThat(DatabaseUrl.parse("postgresql://h/db").sslMode()).isNull();
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter2@h/db?sslmode=required"))
        .hasMessageContaining("sslmode='required'")
        .hasMessageContaining("verify-full")
        .hasMessageNotContaining("hunter2");
  }
}
