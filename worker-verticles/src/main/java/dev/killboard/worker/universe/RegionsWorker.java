package dev.killboard.worker.universe;

import dev.killboard.contracts.QueueNames;
import dev.killboard.worker.framework.Upsert;
import dev.killboard.worker.info.EntityInfoWorker;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * {@code regions}: ESI {@code /universe/regions/{id}/} into {@code regions}; "all" queues every
 * region id.
 */
public final class RegionsWorker extends EntityInfoWorker {
  private static final Upsert UPSERT = Upsert.into("regions", "id", "name", "description");

  @Override
  public String workerName() {
    return "regions";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_ALL_REGIONS;
  }

  @Override
  protected String entity() {
    return "region";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().region(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Future<List<Long>> allIds() {
    return runtime.esi().regionIds();
  }

  @Override
  protected Tuple row(int id, JsonObject r) {
    return Tuple.of(id, r.getString("name"), r.getString("description"));
  }
}
