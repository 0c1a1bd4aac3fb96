package dev.killboard.worker.snapshot;

import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;

/**
 * {@code corporation-snapshots} (one-shot): today's (UTC) member count of every stored corporation.
 */
public final class CorporationSnapshotsWorker extends OneShotWorker {
  @Override
  public String workerName() {
    return "corporation-snapshots";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .pool()
        .withTransaction(
            tx ->
                tx.query(
                        """
        INSERT INTO corporation_snapshots AS s (corporation_id, snapshot_date, member_count)
        SELECT id, (now() AT TIME ZONE 'UTC')::date, member_count FROM corporations ORDER BY id
            ON CONFLICT (corporation_id, snapshot_date) DO UPDATE SET member_count = EXCLUDED.member_count
         WHERE s.member_count IS DISTINCT FROM EXCLUDED.member_count
        """)
                    .execute());
  }
}
