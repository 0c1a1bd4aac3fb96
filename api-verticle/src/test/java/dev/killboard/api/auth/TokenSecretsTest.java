package dev.killboard.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Login states are signed and expire (the stored-token cipher is tested with it in upstream-clients). */
class TokenSecretsTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @Test
  void loginStatesAreSignedAndExpire() {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    LoginState issuer = new LoginState(KEY, Clock.fixed(now, ZoneOffset.UTC));
    String state = issuer.issue();
    assertThat(issuer.isValid(state)).isTrue();
    assertThat(issuer.issue()).isNotEqualTo(state);
    assertThat(new LoginState(KEY, Clock.fixed(now.plus(Duration.ofMinutes(9)), ZoneOffset.UTC)).isValid(state)).isTrue();
    assertThat(new LoginState(KEY, Clock.fixed(now.plus(Duration.ofMinutes(11)), ZoneOffset.UTC)).isValid(state)).isFalse();
    byte[] otherKey = KEY.clone();
    otherKey[5] ^= 1;
    assertThat(new LoginState(otherKey, Clock.fixed(now, ZoneOffset.UTC)).isValid(state)).isFalse();
    assertThat(issuer.isValid(state.substring(0, state.length() - 2) + "AA")).isFalse();
    assertThat(issuer.isValid("garbage")).isFalse();
    assertThat(issuer.isValid(null)).isFalse();
  }
}
