package dev.killboard.worker.universe;

import static dev.killboard.worker.framework.EsiValues.*;

import dev.killboard.contracts.QueueNames;
import dev.killboard.worker.framework.Upsert;
import dev.killboard.worker.info.EntityInfoWorker;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * {@code systems}: ESI {@code /universe/systems/{id}/} into {@code solar_systems} (its region is
 * derived by trigger); "all" queues every system id.
 */
public final class SystemsWorker extends EntityInfoWorker {
  private static final Upsert UPSERT =
      Upsert.into(
          "solar_systems",
          "id",
          "name",
          "constellation_id",
          "security_status",
          "security_class",
          "star_id",
          "position_x",
          "position_y",
          "position_z");

  @Override
  public String workerName() {
    return "systems";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_ALL_SYSTEMS;
  }

  @Override
  protected String entity() {
    return "system";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().system(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Future<List<Long>> allIds() {
    return runtime.esi().systemIds();
  }

  @Override
  protected Tuple row(int id, JsonObject s) {
    return Tuple.of(
        id,
        s.getString("name"),
        optInt(s, "constellation_id"),
        optDouble(s, "security_status"),
        s.getString("security_class"),
        optInt(s, "star_id"),
        position(s, "x"),
        position(s, "y"),
        position(s, "z"));
  }
}
