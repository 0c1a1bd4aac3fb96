package dev.killboard.worker.killmail;

import dev.killboard.contracts.CharacterKillmailsJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Job;
import dev.killboard.worker.framework.JobPayload;
import dev.killboard.worker.framework.QueueWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * {@code zkillboard-sync}: {@code zkillboard_character_queue} {@code {characterId, maxPages?}}; the
 * character's zKillboard history with each killmail from ESI (see {@link ZkillboardHistorySync}),
 * at most {@code maxPages} (default 50) pages.
 */
public class ZkillboardSyncWorker extends QueueWorker<Void> {
  static final int DEFAULT_MAX_PAGES = 50;

  private final String name;

  /** The worker as {@code zkillboard-sync}. */
  public ZkillboardSyncWorker() {
    this("zkillboard-sync");
  }

  /** The same job under another deployable name (the original ran it under two names). */
  protected ZkillboardSyncWorker(String name) {
    this.name = name;
  }

  @Override
  public final String workerName() {
    return name;
  }

  @Override
  public final String queueName() {
    return QueueNames.ZKILLBOARD_CHARACTER;
  }

  @Override
  protected final Future<Void> fetch(Job job) {
    return Future.succeededFuture();
  }

  @Override
  protected final Future<?> write(SqlConnection tx, Void data, Job job) {
    return Future.succeededFuture();
  }

  @Override
  protected final Future<?> process(Job job) {
    CharacterKillmailsJob payload = JobPayload.characterKillmails(job);
    return new ZkillboardHistorySync(vertx, runtime)
        .sync(payload.characterId(), payload.maxPagesOr(DEFAULT_MAX_PAGES));
  }
}
