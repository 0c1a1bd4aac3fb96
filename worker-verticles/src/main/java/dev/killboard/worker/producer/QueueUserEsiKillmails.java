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
 * {@code queue-user-esi-killmails} (one-shot): one {@code esi_user_killmails_queue} job per
 * signed-in user with a refresh token, least recently synced first. The job carries no token (the
 * worker reads the encrypted tokens).
 */
public final class QueueUserEsiKillmails extends OneShotWorker {
  @Override
  public String workerName() {
    return "queue-user-esi-killmails";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .pool()
        .query(
            "SELECT character_id FROM users WHERE refresh_token_encrypted IS NOT NULL"
                + " ORDER BY last_killmail_sync_at NULLS FIRST, character_id")
        .execute()
        .compose(
            rows -> {
              List<JsonObject> jobs = new ArrayList<>();
              rows.forEach(
                  r ->
                      jobs.add(
                          UserKillmailsJob.character(r.getInteger(0))
                              .toJson()
                              .put("source", workerName())));
              return jobs.isEmpty()
                  ? Future.succeededFuture()
                  : runtime
                      .queue()
                      .enqueueAll(QueueNames.ESI_USER_KILLMAILS, jobs, Priority.NORMAL);
            });
  }
}
