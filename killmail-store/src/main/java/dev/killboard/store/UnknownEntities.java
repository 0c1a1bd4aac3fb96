package dev.killboard.store;

import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.Priority;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The characters, corporations, alliances and types that stored killmails mention (victims,
 * attackers, items) but that have no row of their own yet, each queued once for its info worker.
 * Live ingestion records those of the killmails it stores in the outbox ({@link #RECORD_SQL},
 * relayed to Redis by {@link EntityJobOutbox}), so new killmails get their names within seconds (as
 * the original's stream worker looked them up before saving); {@code scan-killmail-entities} asks
 * for every stored killmail.
 */
public final class UnknownEntities {
  /**
   * One kind of entity: its name in {@code entity_job_outbox.kind}, the column that names it in
   * victims and attackers, its table and its queue (whose jobs are {@code EntityJob}s).
   */
  record Kind(String name, String column, String table, String queue) {}

  // Types have no column of their own: ships, weapons and items (TYPE_SQL).
  static final List<Kind> KINDS =
      List.of(
          new Kind("character", "character_id", "characters", QueueNames.ESI_CHARACTER_INFO),
          new Kind(
              "corporation", "corporation_id", "corporations", QueueNames.ESI_CORPORATION_INFO),
          new Kind("alliance", "alliance_id", "alliances", QueueNames.ESI_ALLIANCE_INFO),
          new Kind("type", null, "types", QueueNames.ESI_TYPE_INFO));

  // %1$s column, %2$s table, %3$s the killmail filter ("" or "WHERE killmail_id = ANY($1)"), %4$s
  // the limit parameter.
  private static final String PARTY_SQL =
      """
      SELECT DISTINCT x.id FROM (
        SELECT %1$s AS id FROM victims %3$s
        UNION SELECT %1$s FROM attackers %3$s) x
      WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %2$s e WHERE e.id = x.id) ORDER BY x.id LIMIT %4$s""";
  private static final String TYPE_SQL =
      """
      SELECT DISTINCT x.id FROM (
        SELECT ship_type_id AS id FROM victims %1$s
        UNION SELECT ship_type_id FROM attackers %1$s
        UNION SELECT weapon_type_id FROM attackers %1$s
        UNION SELECT item_type_id FROM killmail_items %1$s) x
      WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM types t WHERE t.id = x.id) ORDER BY x.id LIMIT %2$s""";
  private static final String OF_KILLMAILS = "WHERE killmail_id = ANY($1::int4[])";

  /**
   * Records the unknown entities of the killmails {@code $1} in the outbox, in the caller's
   * transaction. Sorted, so two ingest transactions that mention the same entities take their keys
   * in the same order (no deadlock).
   */
  static final String RECORD_SQL = recordSql();

  private final Pool pool;
  private final JobQueue queue;

  public UnknownEntities(Pool pool, JobQueue queue) {
    this.pool = pool;
    this.queue = queue;
  }

  /**
   * Queues (low priority) the unknown entities of every stored killmail, at most {@code limit} per
   * kind.
   */
  public Future<Integer> queueEverywhere(int limit) {
    return queueEach(0, kind -> sql(kind, "", "$1"), Tuple.of(limit), Priority.LOW, 0);
  }

  private static String recordSql() {
    List<String> parts = new ArrayList<>();
    for (Kind kind : KINDS) {
      parts.add(
          "SELECT '"
              + kind.name()
              + "' AS kind, u.id FROM ("
              + sql(kind, OF_KILLMAILS, "ALL")
              + ") u");
    }
    return "INSERT INTO entity_job_outbox (kind, entity_id) SELECT kind, id FROM ("
        + String.join(" UNION ALL ", parts)
        + ") x ORDER BY kind, id ON CONFLICT DO NOTHING";
  }

  private static String sql(Kind kind, String filter, String limit) {
    return kind.column() == null
        ? String.format(TYPE_SQL, filter, limit)
        : String.format(PARTY_SQL, kind.column(), kind.table(), filter, limit);
  }

  private Future<Integer> queueEach(
      int index, Function<Kind, String> sql, Tuple args, Priority priority, int queued) {
    if (index >= KINDS.size()) {
      return Future.succeededFuture(queued);
    }
    Kind kind = KINDS.get(index);
    return pool.preparedQuery(sql.apply(kind))
        .execute(args)
        .compose(
            rows -> {
              List<Long> found = new ArrayList<>(rows.size());
              for (Row row : rows) {
                found.add(row.getLong(0));
              }
              return Enqueue.entities(queue, kind.queue(), found, priority)
                  .compose(v -> queueEach(index + 1, sql, args, priority, queued + found.size()));
            });
  }
}
