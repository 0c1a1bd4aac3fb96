package dev.killboard.worker.framework;

import dev.killboard.queue.Job;
import io.vertx.core.json.JsonObject;

/**
 * Reads the ids jobs carry. A job for one entity names it as {@code "id"}, as {@code "<entity>Id"} (the API's style,
 * e.g. {@code characterId}) or as {@code "<entity>_id"}; a job with {@code "all": true} asks for every entity.
 */
public final class JobPayload {
  private JobPayload() {
  }

  /** Whether the job asks for a full sync ({@code "all": true}). */
  public static boolean all(Job job) {
    return Boolean.TRUE.equals(job.payload().getValue("all"));
  }

  /**
   * The entity id under {@code id}, {@code <entity>Id} or {@code <entity>_id}; fails with a message naming the
   * payload when none is a positive whole number within PostgreSQL's integer range.
   */
  public static int id(Job job, String entity) {
    JsonObject p = job.payload();
    for (String key : new String[] {"id", entity + "Id", entity + "_id"}) {
      Object v = p.getValue(key);
      if (v == null) {
        continue;
      }
      long id;
      if (v instanceof Number n && n.doubleValue() == n.longValue()) {
        id = n.longValue();
      } else if (v instanceof String s && s.matches("\\d{1,10}")) {
        id = Long.parseLong(s);
      } else {
        throw new IllegalArgumentException("job " + job.id() + " on " + job.queue() + ": '" + key
            + "' must be a positive whole number, got " + abbreviate(String.valueOf(v)));
      }
      if (id <= 0 || id > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("job " + job.id() + " on " + job.queue() + ": '" + key + "' = " + id
            + " is not a valid EVE id (1.." + Integer.MAX_VALUE + ")");
      }
      return (int) id;
    }
    throw new IllegalArgumentException("job " + job.id() + " on " + job.queue() + " names no " + entity + ": expected"
        + " 'id', '" + entity + "Id' or '" + entity + "_id' (or \"all\": true where a full sync is offered), got "
        + abbreviate(p.encode()));
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
