package dev.killboard.api.subscriptions;

import io.vertx.core.json.JsonObject;

/**
 * The message a worker publishes on the clustered event bus when it has stored a killmail (after its transaction
 * committed): {@code vertx.eventBus().publish(NewKillmailEvent.ADDRESS, new NewKillmailEvent(id).toJson())}.
 * Every API instance on every node receives it and pushes the killmail to its {@code newKillmail} subscribers.
 */
public record NewKillmailEvent(int killmailId) {
  /** The event bus address. */
  public static final String ADDRESS = "killboard.killmail.new";

  public NewKillmailEvent {
    if (killmailId <= 0) {
      throw new IllegalArgumentException("killmail_id must be positive (got " + killmailId + ")");
    }
  }

  /** The wire form: {@code {"killmail_id": 123}}. */
  public JsonObject toJson() {
    return new JsonObject().put("killmail_id", killmailId);
  }

  /** Reads the wire form; fails with IllegalArgumentException when it is not one. */
  public static NewKillmailEvent fromJson(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException("a NewKillmailEvent body is a JSON object");
    }
    Object id = json.getValue("killmail_id");
    if (!(id instanceof Number n) || n.longValue() != n.intValue()) {
      throw new IllegalArgumentException("killmail_id must be a whole number");
    }
    return new NewKillmailEvent(n.intValue());
  }
}
