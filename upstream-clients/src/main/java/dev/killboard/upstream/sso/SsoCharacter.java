package dev.killboard.upstream.sso;

import java.time.Instant;
import java.util.List;

/**
 * Who a verified EVE SSO access token belongs to.
 *
 * @param characterId the character ({@code sub} = {@code CHARACTER:EVE:<id>})
 * @param name the character's name
 * @param owner the owner hash (changes when the character is sold)
 * @param scopes granted scopes
 * @param expiresAt when the token expires
 * @param clientId the application the token was issued to ({@code azp}), or null
 */
public record SsoCharacter(
    long characterId,
    String name,
    String owner,
    List<String> scopes,
    Instant expiresAt,
    String clientId) {}
