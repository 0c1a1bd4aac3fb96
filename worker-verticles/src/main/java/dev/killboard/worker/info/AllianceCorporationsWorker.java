package dev.killboard.worker.info;

import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Job;
import dev.killboard.queue.Priority;
import dev.killboard.worker.framework.JobPayload;
import dev.killboard.worker.framework.QueueWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * {@code alliance-corporations}: ESI {@code /alliances/{id}/corporations/}, fanned out as one job
 * per member corporation on the corporation info queue (which writes the rows). Nothing is written
 * here, so no transaction.
 */
public final class AllianceCorporationsWorker extends QueueWorker<List<Long>> {
  @Override
  public String workerName() {
    return "alliance-corporations";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_ALLIANCE_CORPORATIONS;
  }

  @Override
  protected Future<List<Long>> fetch(Job job) {
    return runtime.esi().allianceCorporations(JobPayload.entityId(job, "alliance"));
  }

  @Override
  protected Future<?> write(SqlConnection tx, List<Long> ids, Job job) {
    return Future.succeededFuture();
  }

  @Override
  protected Future<?> process(Job job) {
    return fetch(job)
        .compose(
            ids ->
                ids.isEmpty()
                    ? Future.succeededFuture()
                    : runtime
                        .queue()
                        .enqueueAll(
                            QueueNames.ESI_CORPORATION_INFO,
                            ids.stream().map(id -> EntityJob.of(id).toJson()).toList(),
                            Priority.NORMAL));
  }
}
