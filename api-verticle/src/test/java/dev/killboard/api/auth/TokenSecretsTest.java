package dev.killboard.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Stored tokens are AES-GCM sealed and bound to their character; login states are signed and expire. */
class TokenSecretsTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @Test
  void tokensRoundTripAndAreBoundToTheirCharacter() {
    TokenCipher cipher = new TokenCipher(KEY);
    byte[] sealed = cipher.encrypt("secret-token", 42);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("secret-token");
    assertThat(cipher.decrypt(sealed, 42)).isEqualTo("secret-token");
    assertThat(cipher.encrypt("secret-token", 42)).isNotEqualTo(sealed);
    assertThatThrownBy(() -> cipher.decrypt(sealed, 43)).isInstanceOf(IllegalArgumentException.class);
    byte[] flipped = Arrays.copyOf(sealed, sealed.length);
    flipped[flipped.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decrypt(flipped, 42)).isInstanceOf(IllegalArgumentException.class);
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    assertThatThrownBy(() -> new TokenCipher(otherKey).decrypt(sealed, 42)).isInstanceOf(IllegalArgumentException.class);
  }

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
