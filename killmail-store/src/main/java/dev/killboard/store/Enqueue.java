package dev.killboard.store;

import dev.killboard.queue.JobQueue;
import dev.killboard.queue.Priority;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Queues one job per id ({@code {"<key>": id}}), in chunks so one Redis call never carries an unbounded list. */
public final class Enqueue {
  private static final int CHUNK = 1000;

  private Enqueue() {
  }

  /** Queues {@code ids} on {@code queue}; completes when every chunk is in Redis. */
  public static Future<Void> ids(JobQueue jobs, String queue, String key, List<Long> ids, Priority priority) {
    return chunk(jobs, queue, key, ids, priority, 0);
  }

  private static Future<Void> chunk(JobQueue jobs, String queue, String key, List<Long> ids, Priority priority, int from) {
    if (from >= ids.size()) {
      return Future.succeededFuture();
    }
    List<JsonObject> payloads = ids.subList(from, Math.min(ids.size(), from + CHUNK)).stream()
        .map(id -> new JsonObject().put(key, id)).toList();
    return jobs.enqueueAll(queue, payloads, priority).compose(v -> chunk(jobs, queue, key, ids, priority, from + CHUNK));
  }
}
