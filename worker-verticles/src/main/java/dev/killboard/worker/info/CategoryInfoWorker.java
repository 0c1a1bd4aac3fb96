package dev.killboard.worker.info;

import static dev.killboard.worker.framework.EsiValues.*;

import dev.killboard.contracts.QueueNames;
import dev.killboard.worker.framework.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * {@code info-categories}: ESI {@code /universe/categories/{id}/} into {@code categories}; "all"
 * queues every id of ESI {@code /universe/categories/}.
 */
public final class CategoryInfoWorker extends EntityInfoWorker {
  private static final Upsert UPSERT = Upsert.into("categories", "id", "name", "published");

  @Override
  public String workerName() {
    return "info-categories";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_CATEGORY_INFO;
  }

  @Override
  protected String entity() {
    return "category";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().category(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Future<List<Long>> allIds() {
    return runtime.esi().categoryIds();
  }

  @Override
  protected Tuple row(int id, JsonObject c) {
    return Tuple.of(id, reqText(c, "name", "ESI category " + id), c.getBoolean("published", true));
  }
}
