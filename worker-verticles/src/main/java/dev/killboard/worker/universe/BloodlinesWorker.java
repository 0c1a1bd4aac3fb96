package dev.killboard.worker.universe;

import static dev.killboard.worker.framework.EsiValues.*;

import dev.killboard.worker.framework.OneShotWorker;
import dev.killboard.worker.framework.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bloodlines} (one-shot): ESI {@code /universe/bloodlines/} into {@code bloodlines}, in one
 * transaction.
 */
public final class BloodlinesWorker extends OneShotWorker {
  private static final Upsert UPSERT =
      Upsert.into(
          "bloodlines", "id", "name", "description", "race_id", "corporation_id", "ship_type_id");

  @Override
  public String workerName() {
    return "bloodlines";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .esi()
        .bloodlines()
        .compose(
            list -> {
              List<Tuple> rows = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                JsonObject b = list.getJsonObject(i);
                rows.add(
                    Tuple.of(
                        reqInt(b, "bloodline_id", "ESI bloodline"),
                        b.getString("name"),
                        b.getString("description"),
                        reqInt(b, "race_id", "ESI bloodline"),
                        optInt(b, "corporation_id"),
                        optInt(b, "ship_type_id")));
              }
              return runtime.pool().withTransaction(tx -> UPSERT.executeBatch(tx, rows));
            });
  }
}
