package dev.killboard.worker.snapshot;

import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code update-alliance-counts} (one-shot): recomputes every alliance's member and corporation
 * counts from the stored corporations with the schema's {@code refresh_alliance_member_counts()} (a
 * repair: the counts are kept transactionally as corporations are written).
 */
public final class UpdateAllianceCountsWorker extends OneShotWorker {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateAllianceCountsWorker.class);

  @Override
  public String workerName() {
    return "update-alliance-counts";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .pool()
        .withTransaction(tx -> tx.query("SELECT refresh_alliance_member_counts()").execute())
        .onSuccess(
            rows ->
                LOG.info(
                    "alliance counts refreshed worker={} changed={}",
                    owner(),
                    rows.iterator().next().getInteger(0)));
  }
}
