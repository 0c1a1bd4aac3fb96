package dev.killboard.worker.killmail;

import dev.killboard.queue.Priority;
import dev.killboard.queue.QueueNames;
import dev.killboard.worker.framework.OneShotWorker;
import dev.killboard.worker.producer.Enqueue;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scan-killmail-entities} (one-shot): finds every character, corporation, alliance and type that stored
 * killmails mention (victims, attackers, items) but whose own row is missing, and queues one info job for each.
 * Config {@code limit} (default 100000) caps the ids queued per kind in one run.
 */
public final class ScanKillmailEntitiesWorker extends OneShotWorker {
  private static final String UNKNOWN = """
      SELECT DISTINCT x.id FROM (
        SELECT %1$s AS id FROM victims WHERE %1$s IS NOT NULL
        UNION SELECT %1$s FROM attackers WHERE %1$s IS NOT NULL) x
      WHERE NOT EXISTS (SELECT 1 FROM %2$s e WHERE e.id = x.id) ORDER BY x.id LIMIT $1""";
  private static final String UNKNOWN_TYPES = """
      SELECT DISTINCT x.id FROM (
        SELECT ship_type_id AS id FROM victims
        UNION SELECT ship_type_id FROM attackers WHERE ship_type_id IS NOT NULL
        UNION SELECT weapon_type_id FROM attackers WHERE weapon_type_id IS NOT NULL
        UNION SELECT item_type_id FROM killmail_items) x
      WHERE NOT EXISTS (SELECT 1 FROM types t WHERE t.id = x.id) ORDER BY x.id LIMIT $1""";

  @Override public String workerName() { return "scan-killmail-entities"; }

  @Override
  protected Future<?> run() {
    int limit = config().getInteger("limit", 100_000);
    return scan(String.format(UNKNOWN, "character_id", "characters"), limit, QueueNames.ESI_CHARACTER_INFO, "characterId")
        .compose(v -> scan(String.format(UNKNOWN, "corporation_id", "corporations"), limit,
            QueueNames.ESI_CORPORATION_INFO, "corporationId"))
        .compose(v -> scan(String.format(UNKNOWN, "alliance_id", "alliances"), limit, QueueNames.ESI_ALLIANCE_INFO,
            "allianceId"))
        .compose(v -> scan(UNKNOWN_TYPES, limit, QueueNames.ESI_TYPE_INFO, "typeId"));
  }

  private Future<Void> scan(String sql, int limit, String queue, String key) {
    return runtime.pool().preparedQuery(sql).execute(Tuple.of(limit)).compose(rows -> {
      List<Long> ids = new ArrayList<>();
      for (Row row : rows) {
        ids.add(row.getLong(0));
      }
      return Enqueue.ids(runtime.queue(), queue, key, ids, Priority.LOW);
    });
  }
}
