package dev.killboard.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Login states are signed, bound to a browser nonce, single-use and expire (the stored-token cipher
 * is tested in upstream-clients).
 */
class TokenSecretsTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @Test
  void loginStatesAreSignedBoundToTheBrowserSingleUseAndExpire() {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    LoginState issuer = new LoginState(KEY, Clock.fixed(now, ZoneOffset.UTC));
    String browser = issuer.newBrowserNonce();
    String state = issuer.issue(browser);
    assertThat(issuer.issue(browser)).isNotEqualTo(state);
    assertThat(issuer.use(state, null)).isEqualTo(LoginState.Verdict.OTHER_BROWSER);
    assertThat(issuer.use(state, issuer.newBrowserNonce()))
        .isEqualTo(LoginState.Verdict.OTHER_BROWSER);
    assertThat(
            new LoginState(KEY, Clock.fixed(now.plus(Duration.ofMinutes(11)), ZoneOffset.UTC))
                .use(state, browser))
        .isEqualTo(LoginState.Verdict.EXPIRED);
    byte[] otherKey = KEY.clone();
    otherKey[5] ^= 1;
    assertThat(new LoginState(otherKey, Clock.fixed(now, ZoneOffset.UTC)).use(state, browser))
        .isEqualTo(LoginState.Verdict.OTHER_BROWSER);
    assertThat(issuer.use(state.substring(0, state.length() - 2) + "AA", browser))
        .isEqualTo(LoginState.Verdict.OTHER_BROWSER);
    assertThat(issuer.use("garbage", browser)).isEqualTo(LoginState.Verdict.NOT_ISSUED);
    assertThat(issuer.use(null, browser)).isEqualTo(LoginState.Verdict.NOT_ISSUED);
    // Nine minutes on, from its own browser: accepted once.
    LoginState later =
        new LoginState(KEY, Clock.fixed(now.plus(Duration.ofMinutes(9)), ZoneOffset.UTC));
    assertThat(later.use(state, browser)).isEqualTo(LoginState.Verdict.ACCEPTED);
    assertThat(later.use(state, browser)).isEqualTo(LoginState.Verdict.ALREADY_USED);
  }
}
