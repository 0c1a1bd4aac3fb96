package dev.killboard.worker.ingest;

import io.vertx.core.json.JsonObject;

/**
 * The clustered event-bus message announcing a newly stored killmail, published after its transaction committed:
 * address {@value #ADDRESS}, body {@code {"killmail_id": 123}}. It is the same wire form the API's
 * {@code NewKillmailEvent} reads (docs/workers.md).
 */
public record NewKillmailMessage(int killmailId) {
  /** The event-bus address every API instance listens on. */
  public static final String ADDRESS = "killboard.killmail.new";

  /** The wire form. */
  public JsonObject toJson() {
    return new JsonObject().put("killmail_id", killmailId);
  }
}
