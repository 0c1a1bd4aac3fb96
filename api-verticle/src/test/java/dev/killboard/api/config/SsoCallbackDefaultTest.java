package dev.killboard.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SsoCallbackDefaultTest {

  private static String callback(Map<String, String> env) {
    return Env.read(env, ApiSettings::from).sso().callbackUrl();
  }

  @Test
  void followsTheHttpPortWhenNothingElseIsSet() {
    assertThat(callback(Map.of())).isEqualTo("http://localhost:8080/auth/callback");
    assertThat(callback(Map.of("KILLBOARD_HTTP_PORT", "9090")))
        .isEqualTo("http://localhost:9090/auth/callback");
    assertThat(callback(Map.of("KILLBOARD_HTTP_HOST", "10.0.0.7", "KILLBOARD_HTTP_PORT", "9090")))
        .isEqualTo("http://10.0.0.7:9090/auth/callback");
  }

  @Test
  void publicUrlWinsOverHostAndPortAndTheExplicitCallbackWinsOverBoth() {
    assertThat(
            callback(
                Map.of(
                    "KILLBOARD_PUBLIC_URL",
                    "https://kb.example.com/",
                    "KILLBOARD_HTTP_PORT",
                    "9090")))
        .isEqualTo("https://kb.example.com/auth/callback");
    assertThat(
            callback(
                Map.of(
                    "KILLBOARD_PUBLIC_URL",
                    "https://kb.example.com",
                    "KILLBOARD_SSO_CALLBACK_URL",
                    "https://login.example.com/cb")))
        .isEqualTo("https://login.example.com/cb");
    assertThatThrownBy(() -> callback(Map.of("KILLBOARD_PUBLIC_URL", "kb.example.com")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_PUBLIC_URL");
  }
}
