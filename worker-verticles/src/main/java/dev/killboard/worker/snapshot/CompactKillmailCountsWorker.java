package dev.killboard.worker.snapshot;

import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code compact-killmail-counts} (one-shot, daily): folds the per-writer rows of past days in
 * {@code killmail_scope_days} into one row per scope and day with the schema's {@code
 * compact_killmail_scope_days()}, so placing a deep page of a system's, region's or entity's
 * killmails reads one row per day.
 */
public final class CompactKillmailCountsWorker extends OneShotWorker {
  private static final Logger LOG = LoggerFactory.getLogger(CompactKillmailCountsWorker.class);

  @Override
  public String workerName() {
    return "compact-killmail-counts";
  }

  @Override
  protected Future<?> run() {
    // Its own transaction: rows a writer holds are skipped (SKIP LOCKED), never waited for.
    return runtime
        .pool()
        .withTransaction(tx -> tx.query("SELECT compact_killmail_scope_days()").execute())
        .onSuccess(
            rows ->
                LOG.info(
                    "killmail day counts compacted worker={} rowsFolded={}",
                    owner(),
                    rows.iterator().next().getLong(0)));
  }
}
