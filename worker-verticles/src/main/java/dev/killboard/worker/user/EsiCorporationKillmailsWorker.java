package dev.killboard.worker.user;

import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Job;
import dev.killboard.upstream.esi.EsiPage;
import dev.killboard.upstream.esi.KillmailRef;
import dev.killboard.worker.framework.JobPayload;
import io.vertx.core.Future;

/**
 * {@code esi-corporation-killmails}: {@code esi_corporation_killmails_queue} {@code {characterId,
 * corporationId}}; ESI {@code /corporations/{id}/killmails/recent/} with that member's token (ESI
 * requires a director), stopping at the member's {@code users.last_corp_killmail_id}.
 */
public final class EsiCorporationKillmailsWorker extends RecentKillmailsWorker {
  @Override
  public String workerName() {
    return "esi-corporation-killmails";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_CORPORATION_KILLMAILS;
  }

  @Override
  protected String lastIdColumn() {
    return "last_corp_killmail_id";
  }

  @Override
  protected String lastSyncColumn() {
    return "last_corp_killmail_sync_at";
  }

  @Override
  protected Future<EsiPage<KillmailRef>> page(
      Job job, int characterId, String accessToken, int page) {
    return runtime
        .esi()
        .corporationRecentKillmails(
            JobPayload.userKillmails(job).requireCorporationId(), accessToken, page);
  }
}
