package dev.killboard.worker.info;

import static dev.killboard.worker.framework.EsiValues.*;

import dev.killboard.contracts.QueueNames;
import dev.killboard.worker.framework.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/** {@code info-characters}: ESI {@code /characters/{id}/} into {@code characters}. */
public final class CharacterInfoWorker extends EntityInfoWorker {
  private static final Upsert UPSERT =
      Upsert.into(
          "characters",
          "id",
          "name",
          "corporation_id",
          "alliance_id",
          "birthday",
          "bloodline_id",
          "race_id",
          "gender",
          "security_status",
          "description",
          "title",
          "faction_id");

  @Override
  public String workerName() {
    return "info-characters";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_CHARACTER_INFO;
  }

  @Override
  protected String entity() {
    return "character";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().character(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Tuple row(int id, JsonObject c) {
    String what = "ESI character " + id;
    return Tuple.of(
        id,
        reqText(c, "name", what),
        reqInt(c, "corporation_id", what),
        optInt(c, "alliance_id"),
        reqTime(c, "birthday", what),
        reqInt(c, "bloodline_id", what),
        reqInt(c, "race_id", what),
        reqText(c, "gender", what),
        optDouble(c, "security_status"),
        c.getString("description"),
        c.getString("title"),
        optInt(c, "faction_id"));
  }
}
