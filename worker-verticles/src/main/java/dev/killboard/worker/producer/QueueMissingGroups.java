package dev.killboard.worker.producer;

import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Priority;
import dev.killboard.store.Enqueue;
import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code queue-missing-groups} (one-shot): reads EVERY page of ESI {@code /universe/groups/} (the
 * original read only page 1) and queues an item-group info job for each group not stored yet.
 */
public final class QueueMissingGroups extends OneShotWorker {
  @Override
  public String workerName() {
    return "queue-missing-groups";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .esi()
        .allGroupIds()
        .compose(
            all -> {
              Integer[] ids = all.stream().map(Math::toIntExact).toArray(Integer[]::new);
              return runtime
                  .pool()
                  .preparedQuery("SELECT id FROM item_groups WHERE id = ANY($1::int4[])")
                  .execute(Tuple.of(ids))
                  .compose(
                      rows -> {
                        Set<Long> stored = new HashSet<>();
                        rows.forEach(r -> stored.add(r.getLong(0)));
                        List<Long> missing =
                            all.stream()
                                .filter(id -> !stored.contains(id))
                                .distinct()
                                .sorted()
                                .toList();
                        return Enqueue.entities(
                            runtime.queue(),
                            QueueNames.ESI_ITEM_GROUP_INFO,
                            missing,
                            Priority.NORMAL);
                      });
            });
  }
}
