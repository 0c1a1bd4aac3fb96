package dev.killboard.api.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The OAuth {@code state} of a sign-in: a random nonce and a timestamp, signed with a key derived from the token key.
 * Any API instance of the cluster can check it without shared storage; it is valid for ten minutes.
 */
public final class LoginState {
  private static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final int NONCE_BYTES = 16;

  private final SecretKeySpec key;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public LoginState(byte[] tokenKey, Clock clock) {
    this.key = new SecretKeySpec(derive(tokenKey), "HmacSHA256");
    this.clock = clock;
  }

  /** A new state value. */
  public String issue() {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] body = ByteBuffer.allocate(NONCE_BYTES + Long.BYTES).put(nonce).putLong(clock.millis()).array();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(body) + "." + b64.encodeToString(mac(body));
  }

  /** True when {@code state} was issued by a holder of the same key less than ten minutes ago. */
  public boolean isValid(String state) {
    if (state == null || state.length() > 200) {
      return false;
    }
    int dot = state.indexOf('.');
    if (dot < 0) {
      return false;
    }
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      byte[] body = b64.decode(state.substring(0, dot));
      byte[] sig = b64.decode(state.substring(dot + 1));
      if (body.length != NONCE_BYTES + Long.BYTES || !MessageDigest.isEqual(sig, mac(body))) {
        return false;
      }
      long issuedAt = ByteBuffer.wrap(body, NONCE_BYTES, Long.BYTES).getLong();
      long age = clock.millis() - issuedAt;
      return age >= -60_000 && age <= LIFETIME.toMillis();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private byte[] mac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] derive(byte[] tokenKey) {
    // A separate key for states, so a state never doubles as anything encrypted with the token key.
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(tokenKey, "HmacSHA256"));
      return mac.doFinal("killboard-login-state".getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
