package dev.killboard.worker.user;

import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Job;
import dev.killboard.upstream.esi.EsiPage;
import dev.killboard.upstream.esi.KillmailRef;
import io.vertx.core.Future;

/**
 * {@code esi-user-killmails}: {@code esi_user_killmails_queue} {@code {characterId}}; ESI {@code
 * /characters/{id}/killmails/recent/} with the user's token, stopping at {@code
 * users.last_killmail_id}.
 */
public final class EsiUserKillmailsWorker extends RecentKillmailsWorker {
  @Override
  public String workerName() {
    return "esi-user-killmails";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_USER_KILLMAILS;
  }

  @Override
  protected String lastIdColumn() {
    return "last_killmail_id";
  }

  @Override
  protected String lastSyncColumn() {
    return "last_killmail_sync_at";
  }

  @Override
  protected Future<EsiPage<KillmailRef>> page(
      Job job, int characterId, String accessToken, int page) {
    return runtime.esi().characterRecentKillmails(characterId, accessToken, page);
  }
}
