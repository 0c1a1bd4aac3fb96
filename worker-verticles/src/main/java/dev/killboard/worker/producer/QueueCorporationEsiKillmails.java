package dev.killboard.worker.producer;

import dev.killboard.contracts.QueueNames;
import dev.killboard.contracts.UserKillmailsJob;
import dev.killboard.queue.Priority;
import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code queue-corporation-esi-killmails} (one-shot): one {@code esi_corporation_killmails_queue}
 * job per corporation that has a signed-in member with a refresh token (the member whose
 * corporation sync is oldest), as {@code {characterId, corporationId}}.
 */
public final class QueueCorporationEsiKillmails extends OneShotWorker {
  @Override
  public String workerName() {
    return "queue-corporation-esi-killmails";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .pool()
        .query(
            "SELECT DISTINCT ON (corporation_id) corporation_id, character_id FROM users"
                + " WHERE refresh_token_encrypted IS NOT NULL AND corporation_id IS NOT NULL"
                + " ORDER BY corporation_id, last_corp_killmail_sync_at NULLS FIRST, character_id")
        .execute()
        .compose(
            rows -> {
              List<JsonObject> jobs = new ArrayList<>();
              rows.forEach(
                  r ->
                      jobs.add(
                          UserKillmailsJob.corporation(
                                  r.getInteger("character_id"), r.getInteger("corporation_id"))
                              .toJson()
                              .put("source", workerName())));
              return jobs.isEmpty()
                  ? Future.succeededFuture()
                  : runtime
                      .queue()
                      .enqueueAll(QueueNames.ESI_CORPORATION_KILLMAILS, jobs, Priority.NORMAL);
            });
  }
}
