package dev.killboard.worker.info;

import static dev.killboard.worker.framework.EsiValues.*;

import dev.killboard.contracts.QueueNames;
import dev.killboard.worker.framework.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * {@code info-alliances}: ESI {@code /alliances/{id}/} into {@code alliances}; "all" queues every
 * id of ESI {@code /alliances/}.
 */
public final class AllianceInfoWorker extends EntityInfoWorker {
  private static final Upsert UPSERT =
      Upsert.into(
          "alliances",
          "id",
          "name",
          "ticker",
          "date_founded",
          "creator_corporation_id",
          "creator_id",
          "executor_corporation_id",
          "faction_id");

  @Override
  public String workerName() {
    return "info-alliances";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_ALLIANCE_INFO;
  }

  @Override
  protected String entity() {
    return "alliance";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().alliance(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Future<List<Long>> allIds() {
    return runtime.esi().allianceIds();
  }

  @Override
  protected Tuple row(int id, JsonObject a) {
    String what = "ESI alliance " + id;
    return Tuple.of(
        id,
        reqText(a, "name", what),
        reqText(a, "ticker", what),
        reqTime(a, "date_founded", what),
        reqInt(a, "creator_corporation_id", what),
        reqInt(a, "creator_id", what),
        optInt(a, "executor_corporation_id"),
        optInt(a, "faction_id"));
  }
}
