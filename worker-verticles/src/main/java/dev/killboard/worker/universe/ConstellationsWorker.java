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
 * {@code constellations}: ESI {@code /universe/constellations/{id}/} into {@code constellations};
 * "all" queues every id.
 */
public final class ConstellationsWorker extends EntityInfoWorker {
  private static final Upsert UPSERT =
      Upsert.into(
          "constellations", "id", "name", "region_id", "position_x", "position_y", "position_z");

  @Override
  public String workerName() {
    return "constellations";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_ALL_CONSTELLATIONS;
  }

  @Override
  protected String entity() {
    return "constellation";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().constellation(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Future<List<Long>> allIds() {
    return runtime.esi().constellationIds();
  }

  @Override
  protected Tuple row(int id, JsonObject c) {
    return Tuple.of(
        id,
        c.getString("name"),
        optInt(c, "region_id"),
        position(c, "x"),
        position(c, "y"),
        position(c, "z"));
  }
}
