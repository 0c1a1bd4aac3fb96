package dev.killboard.worker.info;

import static dev.killboard.worker.framework.EsiValues.*;

import dev.killboard.contracts.QueueNames;
import dev.killboard.worker.framework.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * {@code info-types}: ESI {@code /universe/types/{id}/} into {@code types}; "all" reads every page
 * of ESI {@code /universe/types/} and queues each id.
 */
public final class TypeInfoWorker extends EntityInfoWorker {
  private static final Upsert UPSERT =
      Upsert.into(
          "types",
          "id",
          "name",
          "description",
          "group_id",
          "published",
          "volume",
          "capacity",
          "mass",
          "packaged_volume",
          "icon_id",
          "market_group_id");

  @Override
  public String workerName() {
    return "info-types";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_TYPE_INFO;
  }

  @Override
  protected String entity() {
    return "type";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().type(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Future<List<Long>> allIds() {
    return runtime.esi().allTypeIds();
  }

  @Override
  protected Tuple row(int id, JsonObject t) {
    String what = "ESI type " + id;
    return Tuple.of(
        id,
        reqText(t, "name", what),
        t.getString("description"),
        reqInt(t, "group_id", what),
        t.getBoolean("published", true),
        optDouble(t, "volume"),
        optDouble(t, "capacity"),
        optDouble(t, "mass"),
        optDouble(t, "packaged_volume"),
        optInt(t, "icon_id"),
        optInt(t, "market_group_id"));
  }
}
