package dev.killboard.worker.killmail;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.contracts.Zkb;
import dev.killboard.store.KillmailIngest;
import dev.killboard.upstream.zkillboard.ZkbKillmailRef;
import dev.killboard.worker.framework.WorkerRuntime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A character's zKillboard history into the database: reads the history page by page (newest
 * first), reads each killmail not stored yet from ESI {@code /killmails/{id}/{hash}/} (stored ones
 * lacking zkb values get them, without an ESI call) and ingests the page's killmails with their zkb
 * values in one transaction that also advances the character's cursor in {@code sync_cursors}
 * ({@code zkillboard_character}). An interrupted sync resumes at the next unread page; a finished
 * one starts from page 1 next time. Stops at the first empty page or after {@code maxPages}.
 */
final class ZkillboardHistorySync {
  static final String CURSOR_KIND = "zkillboard_character";

  private final Vertx vertx;
  private final WorkerRuntime runtime;
  private final KillmailIngest ingest;

  ZkillboardHistorySync(Vertx vertx, WorkerRuntime runtime) {
    this.vertx = vertx;
    this.runtime = runtime;
    this.ingest = runtime.killmailIngest();
  }

  /** Syncs one character; completes when every page read is committed. */
  Future<Void> sync(int characterId, int maxPages) {
    String subject = Integer.toString(characterId);
    return runtime
        .pool()
        .preparedQuery(
            "SELECT position, completed_at FROM sync_cursors WHERE cursor_kind = $1 AND subject = $2")
        .execute(Tuple.of(CURSOR_KIND, subject))
        .compose(
            rows -> {
              Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
              int start =
                  row == null || row.getValue("completed_at") != null || row.getLong("position") < 1
                      ? 1
                      : (int) (long) row.getLong("position");
              return page(characterId, subject, start, maxPages);
            });
  }

  private Future<Void> page(int characterId, String subject, int page, int maxPages) {
    if (page > maxPages) {
      return complete(subject, page);
    }
    return runtime
        .zkillboard()
        .characterHistory(characterId, page)
        .compose(
            refs -> {
              if (refs.isEmpty()) {
                return complete(subject, page);
              }
              return triage(refs)
                  .compose(t -> readFromEsi(t.toRead()).map(batch -> new Ready(batch, t.toFill())))
                  .compose(
                      ready ->
                          ingest.store(
                              vertx,
                              runtime.pool(),
                              ready.batch(),
                              tx ->
                                  ingest
                                      .fillZkb(tx, ready.toFill())
                                      .compose(
                                          v ->
                                              tx.preparedQuery(
                                                      "INSERT INTO sync_cursors (cursor_kind, subject, position, last_killmail_id, completed_at)"
                                                          + " VALUES ($1, $2, $3, $4, NULL) ON CONFLICT (cursor_kind, subject) DO UPDATE"
                                                          + " SET position = EXCLUDED.position, last_killmail_id = EXCLUDED.last_killmail_id, completed_at = NULL")
                                                  .execute(
                                                      Tuple.of(
                                                          CURSOR_KIND,
                                                          subject,
                                                          (long) page + 1,
                                                          (int) refs.get(0).killmailId())))))
                  .compose(stored -> page(characterId, subject, page + 1, maxPages));
            });
  }

  private Future<Void> complete(String subject, int page) {
    return runtime
        .pool()
        .preparedQuery(
            "INSERT INTO sync_cursors (cursor_kind, subject, position, completed_at)"
                + " VALUES ($1, $2, 1, now()) ON CONFLICT (cursor_kind, subject) DO UPDATE"
                + " SET position = 1, completed_at = now()")
        .execute(Tuple.of(CURSOR_KIND, subject))
        .mapEmpty();
  }

  /** A page split into killmails to read from ESI and stored ones that still lack zkb values. */
  private record Triage(List<ZkbKillmailRef> toRead, List<Map.Entry<Integer, Zkb>> toFill) {}

  /** What a page's transaction stores. */
  private record Ready(List<EsiKillmail> batch, List<Map.Entry<Integer, Zkb>> toFill) {}

  /**
   * Stored killmails cost no ESI call; those stored without zkb values (read from ESI alone) get
   * them.
   */
  private Future<Triage> triage(List<ZkbKillmailRef> refs) {
    Integer[] ids = refs.stream().map(r -> Math.toIntExact(r.killmailId())).toArray(Integer[]::new);
    return runtime
        .pool()
        .preparedQuery(
            "SELECT killmail_id, total_value IS NOT NULL FROM killmails"
                + " WHERE killmail_id = ANY($1::int4[])")
        .execute(Tuple.of(ids))
        .map(
            (RowSet<Row> rows) -> {
              Set<Integer> stored = new HashSet<>();
              Set<Integer> valued = new HashSet<>();
              rows.forEach(
                  r -> {
                    stored.add(r.getInteger(0));
                    if (Boolean.TRUE.equals(r.getBoolean(1))) {
                      valued.add(r.getInteger(0));
                    }
                  });
              List<ZkbKillmailRef> toRead =
                  refs.stream().filter(r -> !stored.contains((int) r.killmailId())).toList();
              List<Map.Entry<Integer, Zkb>> toFill =
                  refs.stream()
                      .filter(
                          r ->
                              stored.contains((int) r.killmailId())
                                  && !valued.contains((int) r.killmailId()))
                      .map(r -> Map.entry(Math.toIntExact(r.killmailId()), r.zkb()))
                      .toList();
              return new Triage(toRead, toFill);
            });
  }

  private Future<List<EsiKillmail>> readFromEsi(List<ZkbKillmailRef> refs) {
    return new EsiKillmailReader(runtime.esi()).readWithZkb(refs);
  }
}
