package dev.killboard.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationSettingsTest {

  private static MigrationSettings read(Map<String, String> environment) {
    return Env.read(environment, MigrationSettings::from);
  }

  @Test
  void environmentVariablesWinOverUrlCredentials() {
    MigrationSettings s =
        read(
            Map.of(
                DatabaseUrl.URL, "postgresql://urluser:urlpass@db:25060/kb?sslmode=require",
                DatabaseUrl.USER, "envuser",
                DatabaseUrl.PASSWORD, "envpass"));
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:25060/kb?sslmode=require");
    assertThat(s.user()).isEqualTo("envuser");
    assertThat(Secret.reveal(s.password())).isEqualTo("envpass");
    assertThat(s.toString())
        .contains("jdbc:postgresql://db:25060/kb?sslmode=require")
        .doesNotContain("envpass")
        .doesNotContain("urlpass");
  }

  @Test
  void urlCredentialsAreUsedWhenTheVariablesAreAbsent() {
    MigrationSettings s =
        read(
            Map.of(
                DatabaseUrl.URL,
                "jdbc:postgresql://db/kb?user=u&password=p",
                DatabaseUrl.USER,
                " "));
    assertThat(s.user()).isEqualTo("u");
    assertThat(Secret.reveal(s.password())).isEqualTo("p");
  }

  @Test
  void eachMissingOrBadSettingIsNamed() {
    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("KILLBOARD_DB_URL is not set");
    assertThatThrownBy(() -> read(Map.of(DatabaseUrl.URL, "http://db/kb")))
        .hasMessageStartingWith("KILLBOARD_DB_URL is invalid: unsupported URL scheme");
    assertThatThrownBy(() -> read(Map.of(DatabaseUrl.URL, "postgresql://db/kb")))
        .hasMessageStartingWith("KILLBOARD_DB_USER is not set");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        DatabaseUrl.URL, "postgresql://db/kb", DatabaseUrl.USER, "x".repeat(64))))
        .hasMessageStartingWith("KILLBOARD_DB_USER=")
        .hasMessageContaining("at most 63");
    assertThatThrownBy(
            () -> read(Map.of(DatabaseUrl.URL, "postgresql://db/kb", DatabaseUrl.USER, "app")))
        .hasMessageStartingWith("KILLBOARD_DB_PASSWORD is not set")
        .hasMessageContaining("'app'");
  }

  @Test
  void databaseUrlIsTheFallbackAndNamedInItsErrors() {
    MigrationSettings s =
        read(
            Map.of(
                DatabaseUrl.FALLBACK_URL,
                "postgresql://doadmin:pw@db:25060/defaultdb?sslmode=require"));
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:25060/defaultdb?sslmode=require");
    assertThat(s.user()).isEqualTo("doadmin");
    assertThat(Secret.reveal(s.password())).isEqualTo("pw");
    // KILLBOARD_DB_URL wins when both are set.
    assertThat(
            read(Map.of(
                    DatabaseUrl.URL,
                    "postgresql://u:p@one/kb",
                    DatabaseUrl.FALLBACK_URL,
                    "postgresql://u:p@two/kb"))
                .jdbcUrl())
        .contains("//one:5432/kb");
    assertThatThrownBy(() -> read(Map.of(DatabaseUrl.FALLBACK_URL, "postgresql://h/db")))
        .hasMessageStartingWith("KILLBOARD_DB_USER is not set and the URL names no user");
    assertThatThrownBy(
            () -> read(Map.of(DatabaseUrl.FALLBACK_URL, "postgresql://u:secret@h/db?sslmode=on")))
        .hasMessageStartingWith("DATABASE_URL is invalid:")
        .hasMessageNotContaining("secret");
  }
}
