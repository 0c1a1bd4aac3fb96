package dev.killboard.upstream;

import dev.killboard.config.Env;
import dev.killboard.fake.FakeUpstreams;
import java.util.HashMap;
import java.util.Map;

/** Settings that point every client at a set of fakes. */
public final class TestSettings {
  /** The User-Agent the tests send (with a contact, as required). */
  public static final String USER_AGENT = "Killboard-tests/0.1 (tests@example.invalid)";

  private TestSettings() {}

  /**
   * Settings pointed at the fakes, with short timeouts and fast politeness limits for the local
   * host, and then {@code overrides} as pairs of variable name and value.
   */
  public static UpstreamSettings forFakes(FakeUpstreams fakes, String... overrides) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KILLBOARD_ESI_BASE_URL",
                fakes.esi().baseUrl(),
                "KILLBOARD_ZKB_BASE_URL",
                fakes.zkillboard().baseUrl(),
                "KILLBOARD_R2Z2_BASE_URL",
                fakes.r2z2().baseUrl(),
                "KILLBOARD_SSO_BASE_URL",
                fakes.sso().baseUrl(),
                "KILLBOARD_SSO_ISSUER",
                fakes.sso().issuer(),
                UpstreamSettings.SSO_CLIENT_ID,
                fakes.sso().clientId(),
                UpstreamSettings.SSO_CLIENT_SECRET,
                fakes.sso().clientSecret(),
                UpstreamSettings.SSO_CALLBACK_URL,
                "http://127.0.0.1:9/auth/callback",
                UpstreamSettings.USER_AGENT,
                USER_AGENT,
                "KILLBOARD_UPSTREAM_REQUEST_TIMEOUT",
                "5s"));
    env.putAll(
        Map.of(
            "KILLBOARD_UPSTREAM_CONNECT_TIMEOUT",
            "5s",
            "KILLBOARD_ZKB_REQUESTS_PER_SECOND",
            "50",
            "KILLBOARD_R2Z2_REQUESTS_PER_SECOND",
            "100",
            "KILLBOARD_R2Z2_NOT_FOUND_WAIT",
            "300ms"));
    for (int i = 0; i < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    return Env.read(env, UpstreamSettings::from);
  }
}
