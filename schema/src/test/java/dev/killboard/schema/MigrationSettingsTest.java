package dev.killboard.schema;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationSettingsTest {

    @Test
    void environmentVariablesWinOverUrlCredentials() {
        MigrationSettings s = MigrationSettings.fromEnvironment(Map.of(
                MigrationSettings.URL, "postgresql://urluser:urlpass@db:25060/kb?sslmode=require",
                MigrationSettings.USER, "envuser",
                MigrationSettings.PASSWORD, "envpass"));
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:25060/kb?sslmode=require");
        assertThat(s.user()).isEqualTo("envuser");
        assertThat(s.password()).isEqualTo("envpass");
        assertThat(s.toString()).isEqualTo("jdbc:postgresql://db:25060/kb?sslmode=require as envuser")
                .doesNotContain("envpass").doesNotContain("urlpass");
    }

    @Test
    void urlCredentialsAreUsedWhenTheVariablesAreAbsent() {
        MigrationSettings s = MigrationSettings.fromEnvironment(Map.of(
                MigrationSettings.URL, "jdbc:postgresql://db/kb?user=u&password=p", MigrationSettings.USER, " "));
        assertThat(s.user()).isEqualTo("u");
        assertThat(s.password()).isEqualTo("p");
    }

    @Test
    void eachMissingOrBadSettingIsNamed() {
        assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("KILLBOARD_DB_URL: not set")
                .satisfies(e -> assertThat(((InvalidSettingException) e).setting()).isEqualTo(MigrationSettings.URL));
        assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of(MigrationSettings.URL, "http://db/kb")))
                .hasMessageStartingWith("KILLBOARD_DB_URL: unsupported URL scheme");
        assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of(MigrationSettings.URL, "postgresql://db/kb")))
                .hasMessageStartingWith("KILLBOARD_DB_USER: not set");
        assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of(MigrationSettings.URL, "postgresql://db/kb",
                MigrationSettings.USER, "x".repeat(64))))
                .hasMessageStartingWith("KILLBOARD_DB_USER:").hasMessageContaining("at most 63");
        assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of(MigrationSettings.URL, "postgresql://db/kb",
                MigrationSettings.USER, "app")))
                .hasMessageStartingWith("KILLBOARD_DB_PASSWORD: not set").hasMessageContaining("'app'");
    }

    @Test
    void databaseUrlIsTheFallbackAndNamedInItsErrors() {
        MigrationSettings s = MigrationSettings.fromEnvironment(Map.of(
                MigrationSettings.FALLBACK_URL, "postgresql://doadmin:pw@db:25060/defaultdb?sslmode=require"));
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:25060/defaultdb?sslmode=require");
        assertThat(s.user()).isEqualTo("doadmin");
        assertThat(s.password()).isEqualTo("pw");
        // KILLBOARD_DB_URL wins when both are set.
        assertThat(MigrationSettings.fromEnvironment(Map.of(MigrationSettings.URL, "postgresql://u:p@one/kb",
                MigrationSettings.FALLBACK_URL, "postgresql://u:p@two/kb")).jdbcUrl()).contains("//one:5432/kb");
        assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of(MigrationSettings.FALLBACK_URL, "postgresql://h/db")))
                .hasMessageStartingWith("KILLBOARD_DB_USER: not set and DATABASE_URL names no user");
        assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of(MigrationSettings.FALLBACK_URL,
                "postgresql://u:secret@h/db?sslmode=on")))
                .hasMessageStartingWith("DATABASE_URL:").hasMessageNotContaining("secret");
    }
}
