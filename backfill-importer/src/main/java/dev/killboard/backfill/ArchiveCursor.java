package dev.killboard.backfill;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Where the import of one source file stands, in {@code sync_cursors} (kind {@value #KIND}, subject
 * = the file's subject): {@code position} is how many of its entries are behind us (committed or
 * reported malformed), {@code completed_at} is set once the whole file is in, and {@code
 * detail.size} is the file size it refers to. A file whose size changed (EVE Ref rewrites a day's
 * archive when killmails arrive late) starts again from its first entry; what is already stored is
 * skipped as duplicates.
 */
final class ArchiveCursor {
  /** The sync_cursors kind of backfill cursors. */
  static final String KIND = "backfill_archive";

  private static final String CREATE =
      """
      INSERT INTO sync_cursors (cursor_kind, subject, detail) VALUES ($1, $2, $3::jsonb)
      ON CONFLICT (cursor_kind, subject) DO NOTHING""";
  private static final String READ =
      """
      SELECT position, completed_at IS NOT NULL AS completed, detail FROM sync_cursors
       WHERE cursor_kind = $1 AND subject = $2""";
  private static final String RESTART =
      """
      UPDATE sync_cursors SET position = 0, completed_at = NULL, detail = $3::jsonb
       WHERE cursor_kind = $1 AND subject = $2""";
  // GREATEST: batches commit out of order on the two connections; the cursor never moves back.
  private static final String ADVANCE =
      """
      UPDATE sync_cursors SET position = GREATEST(position, $3) WHERE cursor_kind = $1 AND subject = $2""";
  private static final String COMPLETE =
      """
      UPDATE sync_cursors SET position = GREATEST(position, $3), completed_at = now(),
             detail = detail || jsonb_build_object('entries', $3::bigint)
       WHERE cursor_kind = $1 AND subject = $2""";

  /** The state read at the start of a file. */
  record State(long position, boolean completed, boolean restarted) {}

  private final SourceFile source;
  private final long size;

  ArchiveCursor(SourceFile source, long size) {
    this.source = source;
    this.size = size;
  }

  /** Creates the cursor if needed and reads it; restarts it when the file's size changed. */
  Future<State> open(Pool pool) {
    JsonObject detail = new JsonObject().put("size", size).put("path", source.path().toString());
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(CREATE)
                .execute(Tuple.of(KIND, source.subject(), detail))
                .compose(v -> tx.preparedQuery(READ).execute(Tuple.of(KIND, source.subject())))
                .compose(
                    rows -> {
                      Row row = rows.iterator().next();
                      JsonObject stored = (JsonObject) row.getJson("detail");
                      Long storedSize = stored == null ? null : stored.getLong("size");
                      if (storedSize != null && storedSize == size) {
                        return Future.succeededFuture(
                            new State(row.getLong("position"), row.getBoolean("completed"), false));
                      }
                      boolean hadProgress =
                          row.getLong("position") > 0 || row.getBoolean("completed");
                      return tx.preparedQuery(RESTART)
                          .execute(Tuple.of(KIND, source.subject(), detail))
                          .map(v -> new State(0, false, hadProgress));
                    }));
  }

  /** Moves the position forward to {@code position} in the caller's transaction (never back). */
  Future<Void> advance(SqlClient tx, long position) {
    return tx.preparedQuery(ADVANCE).execute(Tuple.of(KIND, source.subject(), position)).mapEmpty();
  }

  /** Marks the file done with {@code entries} entries. */
  Future<Void> complete(SqlClient client, long entries) {
    return client
        .preparedQuery(COMPLETE)
        .execute(Tuple.of(KIND, source.subject(), entries))
        .mapEmpty();
  }
}
