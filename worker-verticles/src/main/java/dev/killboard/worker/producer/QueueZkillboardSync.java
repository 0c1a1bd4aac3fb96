package dev.killboard.worker.producer;

import dev.killboard.contracts.CharacterKillmailsJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Priority;
import dev.killboard.store.Enqueue;
import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code queue-zkillboard-sync} (one-shot): one zkillboard-sync job per stored player character
 * (NPC ids, below 90,000,000, are skipped: zKillboard has no history for them). Config {@code
 * maxPages} is passed on to each job.
 */
public final class QueueZkillboardSync extends OneShotWorker {
  /** Player character ids start here; lower ids are NPCs. */
  static final int FIRST_PLAYER_ID = 90_000_000;

  @Override
  public String workerName() {
    return "queue-zkillboard-sync";
  }

  @Override
  protected Future<?> run() {
    Integer maxPages = config().getInteger("maxPages");
    return runtime
        .pool()
        .preparedQuery("SELECT id FROM characters WHERE id >= $1 ORDER BY id")
        .execute(Tuple.of(FIRST_PLAYER_ID))
        .<Void>compose(
            rows -> {
              List<Long> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getLong(0)));
              return Enqueue.ids(
                  runtime.queue(),
                  QueueNames.ZKILLBOARD_CHARACTER,
                  ids,
                  id -> new CharacterKillmailsJob((int) id, maxPages).toJson(),
                  Priority.LOW);
            });
  }
}
