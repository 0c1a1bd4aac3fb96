package dev.killboard.queue;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A job that failed {@code attempts} times (or could not be read) and was parked in the queue's
 * dead-letter stream, kept with its original payload text and the last error.
 */
public record DeadLetter(
    String entryId,
    String jobId,
    String queue,
    Priority priority,
    String payload,
    int attempts,
    String lastError,
    Instant failedAt,
    String consumer) {

  /**
   * The payload as JSON, or null when the stored text is not a JSON object (that is why some jobs
   * die).
   */
  public JsonObject payloadJson() {
    try {
      return payload == null ? null : new JsonObject(payload);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
