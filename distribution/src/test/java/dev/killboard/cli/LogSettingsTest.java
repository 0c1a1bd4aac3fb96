package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {

  @Test
  void defaultsArePlainAtInfoWithoutLoggerLevels() {
    LogSettings s =
        Env.read(
            Map.of("KILLBOARD_LOG_FORMAT", " ", "KILLBOARD_LOG_LEVELS", ""), LogSettings::from);
    assertThat(s.format()).isEqualTo("plain");
    assertThat(s.rootLevel()).isEqualTo("info");
    assertThat(s.loggerLevels()).isEmpty();
  }

  @Test
  void readsFormatRootLevelAndPerLoggerLevelsInOrder() {
    LogSettings s =
        Env.read(
            Map.of(
                "KILLBOARD_LOG_FORMAT",
                "JSON",
                "KILLBOARD_LOG_LEVEL",
                "Warn",
                "KILLBOARD_LOG_LEVELS",
                "dev.killboard.budget=debug, com.hazelcast=WARN,"),
            LogSettings::from);
    assertThat(s.format()).isEqualTo("json");
    assertThat(s.rootLevel()).isEqualTo("warn");
    assertThat(s.loggerLevels())
        .containsExactly(
            Map.entry("dev.killboard.budget", "debug"), Map.entry("com.hazelcast", "warn"));
  }

  @Test
  void rejectsWhatLogbackWouldSilentlyMisread() {
    assertThatThrownBy(() -> Env.read(Map.of("KILLBOARD_LOG_FORMAT", "logfmt"), LogSettings::from))
        .hasMessageContaining("KILLBOARD_LOG_FORMAT='logfmt'")
        .hasMessageContaining("plain")
        .hasMessageContaining("json");
    // logback would read an unknown level as DEBUG.
    assertThatThrownBy(() -> Env.read(Map.of("KILLBOARD_LOG_LEVEL", "verbose"), LogSettings::from))
        .hasMessageContaining("KILLBOARD_LOG_LEVEL='verbose'");
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of("KILLBOARD_LOG_LEVELS", "dev.killboard=debug,com.hazelcast"),
                    LogSettings::from))
        .hasMessageContaining("KILLBOARD_LOG_LEVELS")
        .hasMessageContaining("'com.hazelcast'");
    assertThatThrownBy(
            () ->
                Env.read(Map.of("KILLBOARD_LOG_LEVELS", "dev killboard=debug"), LogSettings::from))
        .hasMessageContaining("'dev killboard=debug'");
  }
}
