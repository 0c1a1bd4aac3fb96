package dev.killboard.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamSettingsTest {
  private static final String UA = "Killboard/0.1 (admin@example.com)";

  @Test
  void defaultsPointAtTheRealServices() {
    UpstreamSettings s = Env.read(Map.of(UpstreamSettings.USER_AGENT, UA), UpstreamSettings::from);
    assertThat(s.esiBaseUrl()).isEqualTo("https://esi.evetech.net/latest");
    assertThat(s.zkbBaseUrl()).isEqualTo("https://zkillboard.com/api");
    assertThat(s.r2z2BaseUrl()).isEqualTo("https://r2z2.zkillboard.com/ephemeral");
    assertThat(s.ssoBaseUrl()).isEqualTo("https://login.eveonline.com");
    assertThat(s.ssoIssuer()).isEqualTo("https://login.eveonline.com");
    assertThat(s.ssoJwksUrl()).isEqualTo("https://login.eveonline.com/oauth/jwks");
    assertThat(s.ssoAuthorizeUrl()).isEqualTo("https://login.eveonline.com/v2/oauth/authorize");
    assertThat(s.ssoTokenUrl()).isEqualTo("https://login.eveonline.com/v2/oauth/token");
    assertThat(s.r2z2NotFoundWait()).isEqualTo(Duration.ofSeconds(6));
    assertThat(s.ssoClientId()).isNull();
    assertThat(s.userAgent()).isEqualTo(UA);
  }

  @Test
  void environmentOverridesEverySetting() {
    Map<String, String> env = new HashMap<>();
    env.put(UpstreamSettings.USER_AGENT, "Killboard/0.1 (+https://example.com/contact)");
    env.put("KILLBOARD_ESI_BASE_URL", "http://127.0.0.1:8090/latest/");
    env.put("KILLBOARD_ZKB_BASE_URL", "http://127.0.0.1:8090/api");
    env.put("KILLBOARD_R2Z2_BASE_URL", "http://127.0.0.1:8090/ephemeral");
    env.put("KILLBOARD_SSO_BASE_URL", "http://127.0.0.1:8090");
    env.put("KILLBOARD_SSO_ISSUER", "https://login.eveonline.com");
    env.put("KILLBOARD_SSO_TOKEN_URL", "http://127.0.0.1:8091/token");
    env.put(UpstreamSettings.SSO_CLIENT_ID, "id");
    env.put(UpstreamSettings.SSO_CLIENT_SECRET, "very-secret-value");
    env.put("KILLBOARD_UPSTREAM_REQUEST_TIMEOUT_MS", "2500");
    env.put("KILLBOARD_ESI_ERROR_LIMIT_MARGIN", "20");
    env.put("KILLBOARD_ZKB_REQUESTS_PER_SECOND", "0.5");
    env.put("KILLBOARD_R2Z2_NOT_FOUND_WAIT_MS", "250");
    env.put("KILLBOARD_ESI_COMPATIBILITY_DATE", "2025-08-26");
    env.put("KILLBOARD_SSO_JWKS_MIN_RELOAD_SECONDS", "5");
    UpstreamSettings s = Env.read(env, UpstreamSettings::from);
    assertThat(s.esiBaseUrl()).isEqualTo("http://127.0.0.1:8090/latest");
    assertThat(s.ssoJwksUrl()).isEqualTo("http://127.0.0.1:8090/oauth/jwks");
    assertThat(s.ssoIssuer()).isEqualTo("https://login.eveonline.com");
    assertThat(s.ssoAuthorizeUrl()).isEqualTo("http://127.0.0.1:8090/v2/oauth/authorize");
    assertThat(s.ssoTokenUrl()).isEqualTo("http://127.0.0.1:8091/token");
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.esiErrorLimitMargin()).isEqualTo(20);
    assertThat(s.zkbRequestsPerSecond()).isEqualTo(0.5);
    assertThat(s.r2z2NotFoundWait()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.esiCompatibilityDate()).isEqualTo("2025-08-26");
    assertThat(s.ssoJwksMinReload()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.toString()).doesNotContain("very-secret-value").contains("ssoClientSecret=****");
  }

  @Test
  void aUserAgentWithoutContactIsRefusedWithAMessageNamingTheSetting() {
    assertThatThrownBy(() -> Env.read(Map.of(), UpstreamSettings::from))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_USER_AGENT is not set");
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of(UpstreamSettings.USER_AGENT, "Killboard/0.1"), UpstreamSettings::from))
        .hasMessageContaining("KILLBOARD_USER_AGENT='Killboard/0.1' names no contact");
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of(UpstreamSettings.USER_AGENT, "Killboard (a@b.com)\r\nX-Evil: 1"),
                    UpstreamSettings::from))
        .hasMessageContaining("control characters");
  }

  @Test
  void everyWrongSettingIsListedAtOnce() {
    Map<String, String> env = new HashMap<>();
    env.put(UpstreamSettings.USER_AGENT, UA);
    env.put("KILLBOARD_ESI_BASE_URL", "esi.evetech.net/latest");
    env.put("KILLBOARD_ZKB_BASE_URL", "ftp://zkillboard.com/api");
    env.put("KILLBOARD_UPSTREAM_REQUEST_TIMEOUT_MS", "soon");
    env.put("KILLBOARD_ESI_ERROR_LIMIT_MARGIN", "0");
    env.put(UpstreamSettings.SSO_CLIENT_SECRET, "s3cr3t-do-not-print");
    env.put("KILLBOARD_ESI_COMPATIBILITY_DATE", "yesterday");
    env.put("KILLBOARD_SSO_TOKEN_URL", "login.eveonline.com/v2/oauth/token");
    env.put("KILLBOARD_SSO_JWKS_MIN_RELOAD_SECONDS", "7200");
    assertThatThrownBy(() -> Env.read(env, UpstreamSettings::from))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "KILLBOARD_ESI_BASE_URL='esi.evetech.net/latest' must start with http:// or https://")
        .hasMessageContaining("KILLBOARD_ZKB_BASE_URL='ftp://zkillboard.com/api'")
        .hasMessageContaining("KILLBOARD_UPSTREAM_REQUEST_TIMEOUT_MS='soon' is not a duration")
        .hasMessageContaining("KILLBOARD_ESI_ERROR_LIMIT_MARGIN=0 must be from 1 to 99")
        .hasMessageContaining(
            "KILLBOARD_SSO_CLIENT_ID is not set but KILLBOARD_SSO_CLIENT_SECRET is")
        .hasMessageContaining("KILLBOARD_ESI_COMPATIBILITY_DATE='yesterday'")
        .hasMessageContaining("KILLBOARD_SSO_TOKEN_URL='login.eveonline.com/v2/oauth/token'")
        .hasMessageContaining(
            "KILLBOARD_SSO_JWKS_MIN_RELOAD_SECONDS=2h must be from 0ms to 1h (default 30s)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-do-not-print"));
  }

  @Test
  void politenessLimitsOfTheRealServicesCannotBeLoosened() {
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of(UpstreamSettings.USER_AGENT, UA, "KILLBOARD_R2Z2_NOT_FOUND_WAIT", "2s"),
                    UpstreamSettings::from))
        .hasMessageContaining("KILLBOARD_R2Z2_NOT_FOUND_WAIT=2s is below the 6s R2Z2 asks for");
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of(
                        UpstreamSettings.USER_AGENT, UA, "KILLBOARD_ZKB_REQUESTS_PER_SECOND", "50"),
                    UpstreamSettings::from))
        .hasMessageContaining(
            "KILLBOARD_ZKB_REQUESTS_PER_SECOND=50.0 is above the 10.0 requests per second");
    // Against a local fake the same values are fine; the old *_MS variable still works, with a
    // warning.
    UpstreamSettings local =
        Env.read(
            Map.of(
                UpstreamSettings.USER_AGENT,
                UA,
                "KILLBOARD_R2Z2_BASE_URL",
                "http://127.0.0.1:1/ephemeral",
                "KILLBOARD_ZKB_BASE_URL",
                "http://127.0.0.1:1/api",
                "KILLBOARD_R2Z2_NOT_FOUND_WAIT_MS",
                "100",
                "KILLBOARD_ZKB_REQUESTS_PER_SECOND",
                "50"),
            UpstreamSettings::from);
    assertThat(local.r2z2NotFoundWait()).isEqualTo(Duration.ofMillis(100));
  }
}
