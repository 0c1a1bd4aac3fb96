package dev.killboard.worker.snapshot;

import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;

/**
 * {@code alliance-snapshots} (one-shot): today's (UTC) snapshot of every stored alliance's member
 * and corporation counts; running it twice on one day rewrites the day's row.
 */
public final class AllianceSnapshotsWorker extends OneShotWorker {
  @Override
  public String workerName() {
    return "alliance-snapshots";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .pool()
        .withTransaction(
            tx ->
                tx.query(
                        """
        INSERT INTO alliance_snapshots AS s (alliance_id, snapshot_date, member_count, corporation_count)
        SELECT a.id, (now() AT TIME ZONE 'UTC')::date, greatest(coalesce(c.member_count, 0), 0),
               greatest(coalesce(c.corporation_count, 0), 0)
          FROM alliances a LEFT JOIN alliance_member_counts c ON c.alliance_id = a.id
         ORDER BY a.id
            ON CONFLICT (alliance_id, snapshot_date) DO UPDATE
           SET member_count = EXCLUDED.member_count, corporation_count = EXCLUDED.corporation_count
         WHERE (s.member_count, s.corporation_count) IS DISTINCT FROM (EXCLUDED.member_count, EXCLUDED.corporation_count)
        """)
                    .execute());
  }
}
