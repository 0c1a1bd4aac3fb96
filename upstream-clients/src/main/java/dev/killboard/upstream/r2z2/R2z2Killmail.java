package dev.killboard.upstream.r2z2;

import io.vertx.core.json.JsonObject;

/**
 * One R2Z2 entry: its sequence, the killmail id and hash, the full ESI killmail (validated) and the
 * {@code zkb} block. No ESI call is needed to store it.
 */
public record R2z2Killmail(
    long sequence, long killmailId, String hash, JsonObject esi, JsonObject zkb) {}
