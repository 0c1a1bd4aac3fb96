package dev.killboard.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/** One unit of work taken from a queue, handed to a consumer's handler. */
public final class Job {

  private final String id;
  private final String queue;
  private final Priority priority;
  private final JsonObject payload;
  private final int attempt;
  private final String lastError;
  private final Instant enqueuedAt;

  /**
   * A job as read from its stream; {@code attempt} counts from 1, {@code lastError} is null on the
   * first try.
   */
  public Job(
      String id,
      String queue,
      Priority priority,
      JsonObject payload,
      int attempt,
      String lastError,
      Instant enqueuedAt) {
    this.id = Objects.requireNonNull(id, "id");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.priority = Objects.requireNonNull(priority, "priority");
    this.payload = Objects.requireNonNull(payload, "payload");
    this.attempt = attempt;
    this.lastError = lastError;
    this.enqueuedAt = Objects.requireNonNull(enqueuedAt, "enqueuedAt");
  }

  /** Stable id, the same on every attempt (returned by {@link JobQueue#enqueue}). */
  public String id() {
    return id;
  }

  /** The queue the job was taken from. */
  public String queue() {
    return queue;
  }

  /** The priority it was enqueued with. */
  public Priority priority() {
    return priority;
  }

  /** The producer's payload (a copy: changing it changes nothing in Redis). */
  public JsonObject payload() {
    return payload.copy();
  }

  /**
   * Which attempt this is: 1 on the first delivery, then 2, 3, ... after failures or a crashed
   * consumer.
   */
  public int attempt() {
    return attempt;
  }

  /** The error of the previous attempt, or null on the first. */
  public String lastError() {
    return lastError;
  }

  /** When the producer enqueued it (producer's clock). */
  public Instant enqueuedAt() {
    return enqueuedAt;
  }

  @Override
  public String toString() {
    // The payload stays out: it may carry user data that must not reach the logs.
    return "Job{" + queue + "/" + id + ", " + priority.key() + ", attempt " + attempt + "}";
  }
}
