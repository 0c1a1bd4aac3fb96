package dev.killboard.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagementSettingsTest {

  @Test
  void defaultsToLoopbackPort9090() {
    ManagementSettings s = Env.read(Map.of(), ManagementSettings::from);
    assertThat(s).isEqualTo(new ManagementSettings("127.0.0.1", 9090));
    assertThat(s.enabled()).isTrue();
  }

  @Test
  void portZeroSwitchesItOff() {
    ManagementSettings s =
        Env.read(
            Map.of("KILLBOARD_MANAGEMENT_PORT", "0", "KILLBOARD_MANAGEMENT_HOST", "0.0.0.0"),
            ManagementSettings::from);
    assertThat(s.enabled()).isFalse();
    assertThat(s.host()).isEqualTo("0.0.0.0");
  }

  @Test
  void invalidValuesNameTheVariable() {
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_MANAGEMENT_PORT", "70000"), ManagementSettings::from))
        .hasMessageContaining("KILLBOARD_MANAGEMENT_PORT=70000")
        .hasMessageContaining("(0: off)");
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_MANAGEMENT_PORT", "-1"), ManagementSettings::from))
        .hasMessageContaining("KILLBOARD_MANAGEMENT_PORT=-1");
    assertThatThrownBy(
            () ->
                Env.read(Map.of("KILLBOARD_MANAGEMENT_HOST", "http://x"), ManagementSettings::from))
        .hasMessageContaining("KILLBOARD_MANAGEMENT_HOST='http://x'");
  }
}
