package dev.killboard.api.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The OAuth {@code state} of a sign-in, bound to the browser that started it (issue 10, R5: login
 * CSRF): the sign-in start sets a cookie holding a random nonce, and the state is a random id and a
 * timestamp signed together with that nonce (HMAC with a key derived from the token key). A state
 * is accepted once, within ten minutes, and only with the cookie of the browser it was issued to.
 * Any API instance can check the signature without shared storage; the used ids are remembered per
 * process (the cookie is cleared after use, so a second use from the same browser fails on any
 * instance, and another browser never has the cookie).
 */
public final class LoginState {
  /** How long a sign-in may take between its start and the callback. */
  public static final Duration LIFETIME = Duration.ofMinutes(10);

  private static final int NONCE_BYTES = 16;

  private final SecretKeySpec key;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** Ids of accepted states, with when they expire anyway. */
  private final Map<String, Long> used = new ConcurrentHashMap<>();

  /** Why a state was refused (or that it was accepted). */
  public enum Verdict {
    ACCEPTED,
    NOT_ISSUED,
    EXPIRED,
    OTHER_BROWSER,
    ALREADY_USED
  }

  public LoginState(byte[] tokenKey, Clock clock) {
    this.key = new SecretKeySpec(derive(tokenKey), "HmacSHA256");
    this.clock = clock;
  }

  /** A new browser nonce for the sign-in cookie. */
  public String newBrowserNonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
  }

  /** A new state bound to {@code browserNonce}. */
  public String issue(String browserNonce) {
    byte[] id = new byte[NONCE_BYTES];
    random.nextBytes(id);
    byte[] body =
        ByteBuffer.allocate(NONCE_BYTES + Long.BYTES).put(id).putLong(clock.millis()).array();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(body) + "." + b64.encodeToString(mac(body, browserNonce));
  }

  /**
   * Checks {@code state} against the browser's nonce (null: the request had no sign-in cookie) and
   * uses it up.
   */
  public Verdict use(String state, String browserNonce) {
    if (state == null || state.length() > 200) {
      return Verdict.NOT_ISSUED;
    }
    int dot = state.indexOf('.');
    if (dot < 0) {
      return Verdict.NOT_ISSUED;
    }
    byte[] body;
    byte[] sig;
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      body = b64.decode(state.substring(0, dot));
      sig = b64.decode(state.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return Verdict.NOT_ISSUED;
    }
    if (body.length != NONCE_BYTES + Long.BYTES) {
      return Verdict.NOT_ISSUED;
    }
    if (browserNonce == null
        || browserNonce.isEmpty()
        || browserNonce.length() > 100
        || !MessageDigest.isEqual(sig, mac(body, browserNonce))) {
      // Without the cookie it was issued with, a state cannot be told apart from a forged one.
      return Verdict.OTHER_BROWSER;
    }
    long now = clock.millis();
    long issuedAt = ByteBuffer.wrap(body, NONCE_BYTES, Long.BYTES).getLong();
    long age = now - issuedAt;
    if (age < -60_000 || age > LIFETIME.toMillis()) {
      return Verdict.EXPIRED;
    }
    used.values().removeIf(expires -> expires < now);
    String id = state.substring(0, dot);
    if (used.putIfAbsent(id, issuedAt + LIFETIME.toMillis() + 60_000) != null) {
      return Verdict.ALREADY_USED;
    }
    return Verdict.ACCEPTED;
  }

  private byte[] mac(byte[] body, String browserNonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(body);
      return mac.doFinal(browserNonce.getBytes(StandardCharsets.US_ASCII));
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
