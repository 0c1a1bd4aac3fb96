package dev.killboard.contracts;

import io.vertx.core.json.JsonObject;

/**
 * A job about one entity, {@code {"id": 123}}, or about all of them, {@code {"all": true}}: the
 * payload of the info queues (characters, corporations, alliances, types, item groups, categories),
 * the universe queues (regions, constellations, systems) and {@code
 * esi_alliance_corporations_queue}.
 *
 * <p>One spelling is written: {@code id}. Jobs queued by releases before it named the id {@code
 * <entity>Id} or {@code <entity>_id}; {@link #fromJson} still reads those, so jobs already waiting
 * in Redis run after a rolling upgrade (docs/queues.md, "Job payloads"). Other keys (e.g. {@code
 * source}, {@code queuedAt}) are informational.
 */
public record EntityJob(boolean all, int id) {
  private static final EntityJob ALL = new EntityJob(true, 0);

  public EntityJob {
    if (all ? id != 0 : id <= 0) {
      throw new IllegalArgumentException(
          all
              ? "a job for all entities carries no id"
              : "'id' = " + id + " is not a valid EVE id (1.." + Integer.MAX_VALUE + ")");
    }
  }

  /** The job for one entity. */
  public static EntityJob of(long id) {
    return new EntityJob(false, PayloadIds.check("id", id));
  }

  /** The job asking for every entity (a full sync, where ESI lists the ids). */
  public static EntityJob everything() {
    return ALL;
  }

  /** The wire form: {@code {"id": n}} or {@code {"all": true}}. */
  public JsonObject toJson() {
    return all ? new JsonObject().put("all", true) : new JsonObject().put("id", id);
  }

  /**
   * Reads a payload; {@code entity} (e.g. {@code character}) names the legacy keys {@code
   * characterId} and {@code character_id}. Fails with IllegalArgumentException naming what is
   * wrong.
   */
  public static EntityJob fromJson(JsonObject payload, String entity) {
    if (Boolean.TRUE.equals(payload.getValue("all"))) {
      return ALL;
    }
    for (String key : new String[] {"id", entity + "Id", entity + "_id"}) {
      Integer id = PayloadIds.optional(payload, key);
      if (id != null) {
        return new EntityJob(false, id);
      }
    }
    throw new IllegalArgumentException(
        "names no "
            + entity
            + ": expected 'id' (or \"all\": true where a full sync"
            + " is offered), got "
            + PayloadIds.abbreviate(payload.encode()));
  }
}
