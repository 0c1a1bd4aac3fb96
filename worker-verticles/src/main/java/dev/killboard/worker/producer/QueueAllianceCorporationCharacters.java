package dev.killboard.worker.producer;

import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Priority;
import dev.killboard.store.Enqueue;
import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code queue-alliance-corporation-characters} (one-shot): a character info job (a refresh) for
 * every stored player character whose corporation is in an alliance; NPC ids (below 90,000,000) are
 * skipped.
 */
public final class QueueAllianceCorporationCharacters extends OneShotWorker {
  @Override
  public String workerName() {
    return "queue-alliance-corporation-characters";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .pool()
        .preparedQuery(
            "SELECT ch.id FROM characters ch JOIN corporations co ON co.id = ch.corporation_id"
                + " WHERE co.alliance_id IS NOT NULL AND ch.id >= $1 ORDER BY ch.id")
        .execute(Tuple.of(QueueZkillboardSync.FIRST_PLAYER_ID))
        .compose(
            rows -> {
              List<Long> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getLong(0)));
              return Enqueue.entities(
                  runtime.queue(), QueueNames.ESI_CHARACTER_INFO, ids, Priority.LOW);
            });
  }
}
