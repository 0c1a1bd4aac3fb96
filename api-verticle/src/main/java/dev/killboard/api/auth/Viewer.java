package dev.killboard.api.auth;

import java.time.Instant;
import java.util.List;

/** The EVE character a request is signed in as, from a verified SSO access token. */
public record Viewer(
    int characterId,
    String characterName,
    String ownerHash,
    List<String> scopes,
    Instant expiresAt) {}
