package dev.killboard.worker.producer;

import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Priority;
import dev.killboard.store.Enqueue;
import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code queue-alliance-corporations} (one-shot): one alliance-corporations job per stored
 * alliance.
 */
public final class QueueAllianceCorporations extends OneShotWorker {
  @Override
  public String workerName() {
    return "queue-alliance-corporations";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .pool()
        .query("SELECT id FROM alliances ORDER BY id")
        .execute()
        .compose(
            rows -> {
              List<Long> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getLong(0)));
              return Enqueue.entities(
                  runtime.queue(), QueueNames.ESI_ALLIANCE_CORPORATIONS, ids, Priority.NORMAL);
            });
  }
}
