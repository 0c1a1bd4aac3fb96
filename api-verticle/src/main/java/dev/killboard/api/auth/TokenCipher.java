package dev.killboard.api.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts SSO tokens for storage with AES-256-GCM: a version byte, a random 96-bit nonce, then ciphertext and tag.
 * The owning character id is bound in as associated data, so a stored token copied to another user's row does
 * not decrypt.
 */
public final class TokenCipher {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public TokenCipher(byte[] key) {
    if (key == null || key.length != 32) {
      throw new IllegalArgumentException("the token key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key, "AES");
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
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The token stored as {@code stored} for {@code characterId}; fails when it was altered or belongs to someone else. */
  public String decrypt(byte[] stored, int characterId) {
    if (stored == null || stored.length < 1 + NONCE_BYTES + TAG_BITS / 8 || stored[0] != VERSION) {
      throw new IllegalArgumentException("not a stored token");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
      cipher.updateAAD(aad(characterId));
      byte[] plain = cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("stored token does not decrypt with this key", e);
    }
  }

  private static byte[] aad(int characterId) {
    return ("killboard-sso-token:" + characterId).getBytes(StandardCharsets.US_ASCII);
  }
}
