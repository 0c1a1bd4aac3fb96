package dev.killboard.fake;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * An RS256 key pair of the fake SSO, as JWKs: the public half is published, the private half signs
 * tokens.
 */
final class SsoSigningKey {
  private final String kid;
  private final RSAPublicKey publicKey;
  private final RSAPrivateCrtKey privateKey;

  private SsoSigningKey(String kid, KeyPair pair) {
    this.kid = kid;
    this.publicKey = (RSAPublicKey) pair.getPublic();
    this.privateKey = (RSAPrivateCrtKey) pair.getPrivate();
  }

  /** Generates a fresh 2048-bit pair (tens of milliseconds; call off the event loop). */
  static SsoSigningKey generate(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new SsoSigningKey(kid, generator.generateKeyPair());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is required by every JRE", e);
    }
  }

  String kid() {
    return kid;
  }

  /** The JWK as EVE's {@code /oauth/jwks} lists it. */
  JsonObject publicJwk() {
    return new JsonObject()
        .put("alg", "RS256")
        .put("e", b64(publicKey.getPublicExponent()))
        .put("kid", kid)
        .put("kty", "RSA")
        .put("n", b64(publicKey.getModulus()))
        .put("use", "sig");
  }

  /** The JWK with its private parts, for the signing provider only. */
  JsonObject privateJwk() {
    return publicJwk()
        .put("d", b64(privateKey.getPrivateExponent()))
        .put("p", b64(privateKey.getPrimeP()))
        .put("q", b64(privateKey.getPrimeQ()))
        .put("dp", b64(privateKey.getPrimeExponentP()))
        .put("dq", b64(privateKey.getPrimeExponentQ()))
        .put("qi", b64(privateKey.getCrtCoefficient()));
  }

  private static String b64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    // BigInteger adds a sign byte; JWK integers are unsigned big-endian.
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] trimmed = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
      bytes = trimmed;
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
