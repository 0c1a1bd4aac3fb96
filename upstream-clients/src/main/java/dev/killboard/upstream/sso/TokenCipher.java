package dev.killboard.upstream.sso;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The at-rest form of EVE SSO tokens, shared by the API (which stores them at sign-in) and the
 * workers (which read and refresh them): AES-256-GCM as {@code 0x01 ‖ 12-byte random nonce ‖
 * ciphertext+tag}, with {@code killboard-sso-token:<characterId>} as associated data so a token
 * copied to another user's row does not decrypt. The key is {@value #KEY_VARIABLE} (base64 of 32
 * bytes). Neither the key nor a token ever appears in a message.
 */
public final class TokenCipher {
  /** The environment variable holding the key. */
  public static final String KEY_VARIABLE = "KILLBOARD_TOKEN_KEY";

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int KEY_BYTES = 32;
  private static final String HOW_TO_FIX =
      " Generate one with `openssl rand -base64 32`, keep it secret, and give the API"
          + " and the workers the same value.";

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  /** A cipher with a 32-byte AES key. */
  public TokenCipher(byte[] key) {
    if (key == null || key.length != KEY_BYTES) {
      throw new IllegalArgumentException("the token key must be " + KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /**
   * Declares and reads {@value #KEY_VARIABLE} (null when unset); shared by the API and the workers.
   */
  public static String key(Env env) {
    return Secret.reveal(
        env.secret(KEY_VARIABLE)
            .about(
                "base64 of the 32-byte AES key that encrypts stored SSO tokens (openssl rand"
                    + " -base64 32); the same on the API and the workers; required with an SSO client id"));
  }

  /**
   * The cipher keyed by {@value #KEY_VARIABLE} in {@code env}; {@link ConfigurationException}
   * naming it when unusable.
   */
  public static TokenCipher fromEnvironment(Map<String, String> env) {
    return new TokenCipher(parseKey(env.get(KEY_VARIABLE)));
  }

  /**
   * The 32 key bytes encoded as base64 in {@code raw} (the value of {@value #KEY_VARIABLE}); {@link
   * ConfigurationException} naming the variable when it is missing, not base64 or not 32 bytes
   * long.
   */
  public static byte[] parseKey(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new ConfigurationException(
          KEY_VARIABLE + " is not set; EVE SSO tokens are stored encrypted with it." + HOW_TO_FIX);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(raw.trim());
    } catch (IllegalArgumentException e) {
      // The decoder's message may quote the offending character; the key is secret, so say nothing
      // about it.
      throw new ConfigurationException(KEY_VARIABLE + " is not valid base64." + HOW_TO_FIX);
    }
    if (key.length != KEY_BYTES) {
      throw new ConfigurationException(
          KEY_VARIABLE
              + " decodes to "
              + key.length
              + " bytes; AES-256 needs exactly "
              + KEY_BYTES
              + "."
              + HOW_TO_FIX);
    }
    return key;
  }

  /** The stored form of {@code token}, bound to {@code characterId}. */
  public byte[] encrypt(String token, int characterId) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(characterId));
      byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
          .put(VERSION)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * The token stored as {@code stored} for {@code characterId}; {@link IllegalArgumentException}
   * when it was altered, belongs to another character or was sealed under another key.
   */
  public String decrypt(byte[] stored, int characterId) {
    if (stored == null || stored.length < 1 + NONCE_BYTES + TAG_BITS / 8 || stored[0] != VERSION) {
      throw new IllegalArgumentException("not a stored token of character " + characterId);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
      cipher.updateAAD(aad(characterId));
      byte[] plain = cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the stored token of character "
              + characterId
              + " does not decrypt with "
              + KEY_VARIABLE
              + " (altered, another character's, or sealed under a different key)");
    }
  }

  private static byte[] aad(int characterId) {
    return ("killboard-sso-token:" + characterId).getBytes(StandardCharsets.US_ASCII);
  }
}
