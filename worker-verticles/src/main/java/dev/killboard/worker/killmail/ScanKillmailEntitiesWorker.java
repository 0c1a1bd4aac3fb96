package dev.killboard.worker.killmail;

import dev.killboard.store.UnknownEntities;
import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code scan-killmail-entities} (one-shot): finds every character, corporation, alliance and type
 * that stored killmails mention (victims, attackers, items) but whose own row is missing, and
 * queues one info job for each ({@link UnknownEntities}; live ingestion does the same for each new
 * batch). Config {@code limit} (default 100000) caps the ids queued per kind in one run.
 */
public final class ScanKillmailEntitiesWorker extends OneShotWorker {
  private static final Logger LOG = LoggerFactory.getLogger(ScanKillmailEntitiesWorker.class);

  @Override
  public String workerName() {
    return "scan-killmail-entities";
  }

  @Override
  protected Future<?> run() {
    int limit = config().getInteger("limit", 100_000);
    return new UnknownEntities(runtime.pool(), runtime.queue())
        .queueEverywhere(limit)
        .onSuccess(
            queued -> LOG.info("unknown entities queued worker={} jobs={}", owner(), queued));
  }
}
