package dev.killboard.worker.killmail;

import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;

/**
 * {@code sync-character-killmails} (one-shot): the zKillboard history of the character in config
 * {@code characterId} (at most {@code maxPages}, default 50), as zkillboard-sync does for a queued
 * job.
 */
public final class SyncCharacterKillmailsWorker extends OneShotWorker {
  @Override
  public String workerName() {
    return "sync-character-killmails";
  }

  @Override
  protected Future<?> run() {
    Integer characterId = config().getInteger("characterId");
    if (characterId == null || characterId <= 0) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "sync-character-killmails needs config"
                  + " {\"characterId\": <id>} (pass it with -conf)"));
    }
    return new ZkillboardHistorySync(vertx, runtime)
        .sync(characterId, config().getInteger("maxPages", ZkillboardSyncWorker.DEFAULT_MAX_PAGES));
  }
}
