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
 * {@code races} (one-shot): ESI {@code /universe/races/} into {@code races}, all rows in one
 * transaction.
 */
public final class RacesWorker extends OneShotWorker {
  private static final Upsert UPSERT =
      Upsert.into("races", "id", "name", "description", "alliance_id");

  @Override
  public String workerName() {
    return "races";
  }

  @Override
  protected Future<?> run() {
    return runtime
        .esi()
        .races()
        .compose(
            races -> {
              List<Tuple> rows = new ArrayList<>();
              for (int i = 0; i < races.size(); i++) {
                JsonObject r = races.getJsonObject(i);
                rows.add(
                    Tuple.of(
                        reqInt(r, "race_id", "ESI race"),
                        r.getString("name"),
                        r.getString("description"),
                        optInt(r, "alliance_id")));
              }
              return runtime.pool().withTransaction(tx -> UPSERT.executeBatch(tx, rows));
            });
  }
}
