package dev.killboard.contracts;

import io.vertx.core.json.JsonObject;

/**
 * A character's killmail history from zKillboard, {@code {"characterId": 123, "maxPages": 5}}
 * ({@code maxPages} optional): the payload of {@code zkillboard_character_queue}.
 */
public record CharacterKillmailsJob(int characterId, Integer maxPages) {
  public CharacterKillmailsJob {
    PayloadIds.check("characterId", characterId);
    if (maxPages != null && maxPages < 1) {
      throw new IllegalArgumentException("'maxPages' must be at least 1, got " + maxPages);
    }
  }

  /** The job for {@code characterId} with the worker's default page limit. */
  public static CharacterKillmailsJob of(long characterId) {
    return new CharacterKillmailsJob(PayloadIds.check("characterId", characterId), null);
  }

  /** The page limit, or {@code defaultPages} when the job sets none. */
  public int maxPagesOr(int defaultPages) {
    return maxPages == null ? defaultPages : maxPages;
  }

  /** The wire form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("characterId", characterId);
    return maxPages == null ? json : json.put("maxPages", maxPages);
  }

  /** Reads a payload; fails with IllegalArgumentException naming what is wrong. */
  public static CharacterKillmailsJob fromJson(JsonObject payload) {
    Object pages = payload.getValue("maxPages");
    if (pages != null && !(pages instanceof Number n && n.doubleValue() == n.intValue())) {
      throw new IllegalArgumentException(
          "'maxPages' must be a whole number, got " + PayloadIds.abbreviate(String.valueOf(pages)));
    }
    return new CharacterKillmailsJob(
        legacyCharacterId(payload), pages == null ? null : ((Number) pages).intValue());
  }

  /**
   * {@code characterId}, or the legacy {@code id} / {@code character_id} of jobs queued before one
   * spelling.
   */
  static int legacyCharacterId(JsonObject payload) {
    for (String key : new String[] {"characterId", "id", "character_id"}) {
      Integer id = PayloadIds.optional(payload, key);
      if (id != null) {
        return id;
      }
    }
    return PayloadIds.required(payload, "characterId");
  }
}
