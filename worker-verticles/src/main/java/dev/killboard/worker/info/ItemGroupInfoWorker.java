package dev.killboard.worker.info;

import static dev.killboard.worker.framework.EsiValues.*;

import dev.killboard.contracts.QueueNames;
import dev.killboard.worker.framework.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * {@code info-item-groups}: ESI {@code /universe/groups/{id}/} into {@code item_groups}; "all"
 * reads every page.
 */
public final class ItemGroupInfoWorker extends EntityInfoWorker {
  private static final Upsert UPSERT =
      Upsert.into("item_groups", "id", "name", "category_id", "published");

  @Override
  public String workerName() {
    return "info-item-groups";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_ITEM_GROUP_INFO;
  }

  @Override
  protected String entity() {
    return "group";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().group(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Future<List<Long>> allIds() {
    return runtime.esi().allGroupIds();
  }

  @Override
  protected Tuple row(int id, JsonObject g) {
    String what = "ESI item group " + id;
    return Tuple.of(
        id,
        reqText(g, "name", what),
        reqInt(g, "category_id", what),
        g.getBoolean("published", true));
  }
}
