package dev.killboard.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagementSettingsTest {

  @Test
  void defaultsToLoopbackPort9090() {
    ManagementSettings s = ManagementSettings.fromEnv(Map.of());
    assertThat(s).isEqualTo(new ManagementSettings("127.0.0.1", 9090));
    assertThat(s.enabled()).isTrue();
  }

  @Test
  void portZeroSwitchesItOff() {
    ManagementSettings s =
        ManagementSettings.fromEnv(
            Map.of("KILLBOARD_MANAGEMENT_PORT", "0", "KILLBOARD_MANAGEMENT_HOST", "0.0.0.0"));
    assertThat(s.enabled()).isFalse();
    assertThat(s.host()).isEqualTo("0.0.0.0");
  }

  @Test
  void invalidValuesNameTheVariable() {
    assertThatThrownBy(
            () -> ManagementSettings.fromEnv(Map.of("KILLBOARD_MANAGEMENT_PORT", "70000")))
        .hasMessageContaining("KILLBOARD_MANAGEMENT_PORT=70000")
        .hasMessageContaining("(0: off)");
    assertThatThrownBy(() -> ManagementSettings.fromEnv(Map.of("KILLBOARD_MANAGEMENT_PORT", "-1")))
        .hasMessageContaining("KILLBOARD_MANAGEMENT_PORT=-1");
    assertThatThrownBy(
            () -> ManagementSettings.fromEnv(Map.of("KILLBOARD_MANAGEMENT_HOST", "http://x")))
        .hasMessageContaining("KILLBOARD_MANAGEMENT_HOST='http://x'");
  }
}
