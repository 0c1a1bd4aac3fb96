package dev.killboard.upstream;

import dev.killboard.fake.FakeUpstreams;
import java.time.Duration;

/** Settings that point every client at a set of fakes. */
public final class TestSettings {
  /** The User-Agent the tests send (with a contact, as required). */
  public static final String USER_AGENT = "Killboard-tests/0.1 (tests@example.invalid)";

  private TestSettings() {
  }

  /** A builder pointed at the fakes, with short timeouts and fast politeness limits for the local host. */
  public static UpstreamSettings.Builder forFakes(FakeUpstreams fakes) {
    return UpstreamSettings.builder().esiBaseUrl(fakes.esi().baseUrl()).zkbBaseUrl(fakes.zkillboard().baseUrl())
        .r2z2BaseUrl(fakes.r2z2().baseUrl()).ssoBaseUrl(fakes.sso().baseUrl()).ssoIssuer(fakes.sso().issuer())
        .ssoClientId(fakes.sso().clientId()).ssoClientSecret(fakes.sso().clientSecret())
        .ssoCallbackUrl("http://127.0.0.1:9/auth/callback").userAgent(USER_AGENT)
        .requestTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(5))
        .zkbRequestsPerSecond(50).r2z2RequestsPerSecond(100).r2z2NotFoundWait(Duration.ofMillis(300));
  }
}
