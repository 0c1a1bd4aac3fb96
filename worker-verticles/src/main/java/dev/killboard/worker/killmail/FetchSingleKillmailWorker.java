package dev.killboard.worker.killmail;

import dev.killboard.worker.framework.OneShotWorker;
import io.vertx.core.Future;
import java.util.List;

/**
 * {@code fetch-single-killmail} (one-shot): reads the killmail named by config {@code killmailId}
 * and {@code hash} from ESI and ingests it (no zkb values: ESI has none; a later zKillboard or R2Z2
 * read does not overwrite it).
 */
public final class FetchSingleKillmailWorker extends OneShotWorker {
  @Override
  public String workerName() {
    return "fetch-single-killmail";
  }

  @Override
  protected Future<?> run() {
    Long id = config().getLong("killmailId");
    String hash = config().getString("hash");
    if (id == null || id <= 0 || hash == null) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "fetch-single-killmail needs config {\"killmailId\": <id>,"
                  + " \"hash\": \"<40 hex>\"} (pass it with -conf)"));
    }
    return runtime
        .esi()
        .killmail(id, hash)
        .compose(
            killmail -> runtime.killmailIngest().store(vertx, runtime.pool(), List.of(killmail)));
  }
}
