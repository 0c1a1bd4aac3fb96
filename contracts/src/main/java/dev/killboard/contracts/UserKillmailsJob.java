package dev.killboard.contracts;

import io.vertx.core.json.JsonObject;

/**
 * A signed-in user's recent killmails from ESI with their stored token: {@code {"characterId":
 * 123}} on {@code esi_user_killmails_queue}, {@code {"characterId": 123, "corporationId": 456}} on
 * {@code esi_corporation_killmails_queue} (the character is a director of the corporation).
 */
public record UserKillmailsJob(int characterId, Integer corporationId) {
  public UserKillmailsJob {
    PayloadIds.check("characterId", characterId);
    if (corporationId != null) {
      PayloadIds.check("corporationId", corporationId);
    }
  }

  /** A character's own killmails. */
  public static UserKillmailsJob character(long characterId) {
    return new UserKillmailsJob(PayloadIds.check("characterId", characterId), null);
  }

  /** A corporation's killmails, read with its director {@code characterId}'s token. */
  public static UserKillmailsJob corporation(long characterId, long corporationId) {
    return new UserKillmailsJob(
        PayloadIds.check("characterId", characterId),
        PayloadIds.check("corporationId", corporationId));
  }

  /** The corporation; fails when the job names none (a corporation job needs one). */
  public int requireCorporationId() {
    if (corporationId == null) {
      throw new IllegalArgumentException(
          "no 'corporationId': a corporation killmail job names the corporation");
    }
    return corporationId;
  }

  /** The wire form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("characterId", characterId);
    return corporationId == null ? json : json.put("corporationId", corporationId);
  }

  /** Reads a payload; fails with IllegalArgumentException naming what is wrong. */
  public static UserKillmailsJob fromJson(JsonObject payload) {
    Integer corporation = PayloadIds.optional(payload, "corporationId");
    if (corporation == null) {
      corporation = PayloadIds.optional(payload, "corporation_id");
    }
    return new UserKillmailsJob(CharacterKillmailsJob.legacyCharacterId(payload), corporation);
  }
}
