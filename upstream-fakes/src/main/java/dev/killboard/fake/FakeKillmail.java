package dev.killboard.fake;

import io.vertx.core.json.JsonObject;

/**
 * One generated killmail: the ESI body ({@code /killmails/{id}/{hash}/}) and zKillboard's {@code
 * zkb} block. The JSON objects are copies; changing them does not change the universe.
 */
public record FakeKillmail(long killmailId, String hash, JsonObject esi, JsonObject zkb) {

  /** The zKillboard history API entry: {@code {killmail_id, zkb}}. */
  public JsonObject zkillboardEntry() {
    return new JsonObject().put("killmail_id", killmailId).put("zkb", zkb.copy());
  }

  /** The R2Z2 file body: {@code {killmail_id, hash, esi, zkb}} with the feed's {@code zkb.href}. */
  public JsonObject r2z2Entry(String esiHref) {
    return new JsonObject()
        .put("killmail_id", killmailId)
        .put("hash", hash)
        .put("esi", esi.copy())
        .put("zkb", zkb.copy().put("href", esiHref));
  }
}
