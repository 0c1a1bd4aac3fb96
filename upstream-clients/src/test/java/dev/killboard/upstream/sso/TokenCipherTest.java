package dev.killboard.upstream.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stored SSO tokens are AES-GCM sealed in a fixed format, bound to their character, under a
 * validated key.
 */
class TokenCipherTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @Test
  void decryptsTheKnownAnswer() {
    // Sealed once with this key for character 90000042 and stored by the API: the format must never
    // drift.
    byte[] key = Base64.getDecoder().decode("AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw=");
    byte[] sealed =
        HexFormat.of()
            .parseHex(
                "019489b18cf98fdfa2f407e4aeed27492394424f4096feb0f449c8ce898141372fad5c05"
                    + "869af946cbcae709f1c0ab");
    TokenCipher cipher = new TokenCipher(key);
    assertThat(cipher.decrypt(sealed, 90000042)).isEqualTo("known-answer-token");
    assertThatThrownBy(() -> cipher.decrypt(sealed, 90000043))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("known-answer-token");
  }

  @Test
  void tokensRoundTripAndAreBoundToTheirCharacter() {
    TokenCipher cipher = new TokenCipher(KEY);
    byte[] sealed = cipher.encrypt("secret-token", 42);
    assertThat(sealed[0]).isEqualTo((byte) 1);
    assertThat(sealed).hasSize(1 + 12 + "secret-token".length() + 16);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("secret-token");
    assertThat(cipher.decrypt(sealed, 42)).isEqualTo("secret-token");
    assertThat(cipher.encrypt("secret-token", 42)).isNotEqualTo(sealed);
    assertThatThrownBy(() -> cipher.decrypt(sealed, 43))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] flipped = Arrays.copyOf(sealed, sealed.length);
    flipped[flipped.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decrypt(flipped, 42))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    assertThatThrownBy(() -> new TokenCipher(otherKey).decrypt(sealed, 42))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cipher.decrypt(new byte[5], 42))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theKeyComesFromTheEnvironmentAndIsValidated() {
    String good = Base64.getEncoder().encodeToString(KEY);
    TokenCipher cipher = TokenCipher.fromEnvironment(Map.of(TokenCipher.KEY_VARIABLE, good));
    assertThat(new TokenCipher(KEY).decrypt(cipher.encrypt("t", 1), 1)).isEqualTo("t");
    assertThat(TokenCipher.parseKey(" " + good + "\n")).isEqualTo(KEY);

    Map<String, String> missing = new HashMap<>();
    assertThatThrownBy(() -> TokenCipher.fromEnvironment(missing))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_TOKEN_KEY is not set")
        .hasMessageContaining("openssl rand -base64 32");
    assertThatThrownBy(() -> TokenCipher.parseKey("   "))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_TOKEN_KEY is not set");
    String secretish = "not*base64*sekrit";
    assertThatThrownBy(() -> TokenCipher.parseKey(secretish))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_TOKEN_KEY is not valid base64")
        .hasMessageNotContaining("sekrit")
        .hasMessageNotContaining("*");
    assertThatThrownBy(() -> TokenCipher.parseKey("c2hvcnQ="))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_TOKEN_KEY decodes to 5 bytes")
        .hasMessageNotContaining("c2hvcnQ=");
    assertThatThrownBy(() -> new TokenCipher(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
