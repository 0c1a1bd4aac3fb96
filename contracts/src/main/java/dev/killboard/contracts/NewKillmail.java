package dev.killboard.contracts;

import io.vertx.core.json.JsonObject;

/**
 * The clustered event-bus message announcing a newly stored killmail, published by whoever stored
 * it (a worker, the backfill) after its transaction committed: {@code
 * vertx.eventBus().publish(NewKillmail.ADDRESS, new NewKillmail(id).toJson())}. Every API instance
 * on every node receives it and pushes the killmail to its {@code newKillmail} subscribers.
 */
public record NewKillmail(int killmailId) {
  /** The event-bus address every API instance listens on. */
  public static final String ADDRESS = "killboard.killmail.new";

  public NewKillmail {
    if (killmailId <= 0) {
      throw new IllegalArgumentException("killmail_id must be positive (got " + killmailId + ")");
    }
  }

  /** The wire form: {@code {"killmail_id": 123}}. */
  public JsonObject toJson() {
    return new JsonObject().put("killmail_id", killmailId);
  }

  /** Reads the wire form; fails with IllegalArgumentException when it is not one. */
  public static NewKillmail fromJson(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException("a NewKillmail body is a JSON object");
    }
    Object id = json.getValue("killmail_id");
    if (!(id instanceof Number n)
        || n.doubleValue() != n.longValue()
        || n.longValue() != n.intValue()) {
      throw new IllegalArgumentException(
          "killmail_id must be a whole number within 1.." + Integer.MAX_VALUE);
    }
    return new NewKillmail(n.intValue());
  }
}
