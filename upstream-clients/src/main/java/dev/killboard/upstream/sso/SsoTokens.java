package dev.killboard.upstream.sso;

import java.time.Duration;

/**
 * Tokens from EVE SSO's token endpoint. {@code refreshToken} may be a new one: store it in place of
 * the old. toString() never shows the tokens.
 */
public record SsoTokens(
    String accessToken, String refreshToken, Duration expiresIn, String tokenType) {
  @Override
  public String toString() {
    return "SsoTokens[accessToken=****, refreshToken="
        + (refreshToken == null ? "none" : "****")
        + ", expiresIn="
        + expiresIn.toSeconds()
        + "s, tokenType="
        + tokenType
        + "]";
  }
}
