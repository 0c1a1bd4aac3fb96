package dev.killboard.worker.framework;

import dev.killboard.contracts.CharacterKillmailsJob;
import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.UserKillmailsJob;
import dev.killboard.queue.Job;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Reads a job's payload as its contract record ({@code dev.killboard.contracts}); a bad payload
 * fails with a message that names the job and its queue, and is dead-lettered after the queue's
 * attempts.
 */
public final class JobPayload {
  private JobPayload() {}

  /**
   * An {@link EntityJob}; {@code entity} (e.g. {@code character}) names the legacy keys still read.
   */
  public static EntityJob entity(Job job, String entity) {
    return read(job, p -> EntityJob.fromJson(p, entity));
  }

  /**
   * The one entity an {@link EntityJob} names; fails for {@code "all": true}, which only listing
   * workers take.
   */
  public static int entityId(Job job, String entity) {
    EntityJob payload = entity(job, entity);
    if (payload.all()) {
      throw new IllegalArgumentException(
          "job "
              + job.id()
              + " on "
              + job.queue()
              + " asks for every "
              + entity
              + ", which this worker does not offer: queue one job per "
              + entity
              + " id instead");
    }
    return payload.id();
  }

  /** A {@link CharacterKillmailsJob}. */
  public static CharacterKillmailsJob characterKillmails(Job job) {
    return read(job, CharacterKillmailsJob::fromJson);
  }

  /** A {@link UserKillmailsJob}. */
  public static UserKillmailsJob userKillmails(Job job) {
    return read(job, UserKillmailsJob::fromJson);
  }

  private static <T> T read(Job job, Function<JsonObject, T> reader) {
    try {
      return reader.apply(job.payload());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "job " + job.id() + " on " + job.queue() + ": " + e.getMessage(), e);
    }
  }
}
