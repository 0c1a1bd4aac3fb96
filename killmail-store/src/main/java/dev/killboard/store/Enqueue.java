package dev.killboard.store;

import dev.killboard.contracts.EntityJob;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.Priority;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.LongFunction;

/** Queues one job per id, in chunks so one Redis call never carries an unbounded list. */
public final class Enqueue {
  private static final int CHUNK = 1000;

  private Enqueue() {}

  /**
   * Queues one {@link EntityJob} per id on {@code queue}; completes when every chunk is in Redis.
   */
  public static Future<Void> entities(
      JobQueue jobs, String queue, List<Long> ids, Priority priority) {
    return ids(jobs, queue, ids, id -> EntityJob.of(id).toJson(), priority);
  }

  /**
   * Queues {@code payload.apply(id)} per id on {@code queue}; completes when every chunk is in
   * Redis.
   */
  public static Future<Void> ids(
      JobQueue jobs,
      String queue,
      List<Long> ids,
      LongFunction<JsonObject> payload,
      Priority priority) {
    return chunk(jobs, queue, ids, payload, priority, 0);
  }

  private static Future<Void> chunk(
      JobQueue jobs,
      String queue,
      List<Long> ids,
      LongFunction<JsonObject> payload,
      Priority priority,
      int from) {
    if (from >= ids.size()) {
      return Future.succeededFuture();
    }
    List<JsonObject> payloads =
        ids.subList(from, Math.min(ids.size(), from + CHUNK)).stream()
            .map(id -> payload.apply(id))
            .toList();
    return jobs.enqueueAll(queue, payloads, priority)
        .compose(v -> chunk(jobs, queue, ids, payload, priority, from + CHUNK));
  }
}
