package dev.killboard.worker.info;

import dev.killboard.queue.Job;
import dev.killboard.queue.JobRejected;
import dev.killboard.queue.Priority;
import dev.killboard.store.Enqueue;
import dev.killboard.worker.framework.JobPayload;
import dev.killboard.worker.framework.QueueWorker;
import dev.killboard.worker.framework.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * A worker that reads one ESI entity by id and upserts its row. A job with {@code "all": true} (the
 * API's {@code start...Sync} mutations) is expanded into one job per id on the same queue where ESI
 * lists every id.
 */
public abstract class EntityInfoWorker extends QueueWorker<JsonObject> {
  /**
   * The entity's name in payloads and messages, e.g. {@code character} (legacy payload key {@code
   * characterId}).
   */
  protected abstract String entity();

  /** The ESI call for one id. */
  protected abstract Future<JsonObject> call(int id);

  /** The upsert of the entity's table. */
  protected abstract Upsert upsert();

  /** The row for the upsert, in its column order. */
  protected abstract Tuple row(int id, JsonObject esi);

  /** Every id ESI lists for a full sync, or null when ESI (or our client) offers no list. */
  protected Future<List<Long>> allIds() {
    return null;
  }

  @Override
  protected Future<?> process(Job job) {
    if (JobPayload.entity(job, entity()).all()) {
      Future<List<Long>> ids = allIds();
      if (ids == null) {
        return Future.failedFuture(
            new JobRejected(
                "a full "
                    + entity()
                    + " sync is not offered: queue one job per "
                    + entity()
                    + " id instead"));
      }
      // Chunked: a full type sync is tens of thousands of ids, more than one Redis call should
      // carry.
      return ids.compose(
          list ->
              Enqueue.entities(
                  runtime.queue(),
                  queueName(),
                  list.stream().distinct().toList(),
                  Priority.NORMAL));
    }
    return super.process(job);
  }

  @Override
  protected Future<JsonObject> fetch(Job job) {
    return call(JobPayload.entityId(job, entity()));
  }

  @Override
  protected Future<?> write(SqlConnection tx, JsonObject esi, Job job) {
    return upsert().execute(tx, row(JobPayload.entityId(job, entity()), esi));
  }
}
