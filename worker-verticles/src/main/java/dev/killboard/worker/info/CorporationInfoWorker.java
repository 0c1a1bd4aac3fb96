package dev.killboard.worker.info;

import static dev.killboard.worker.framework.EsiValues.*;

import dev.killboard.contracts.QueueNames;
import dev.killboard.worker.framework.Upsert;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/** {@code info-corporations}: ESI {@code /corporations/{id}/} into {@code corporations}. */
public final class CorporationInfoWorker extends EntityInfoWorker {
  private static final Upsert UPSERT =
      Upsert.into(
          "corporations",
          "id",
          "name",
          "ticker",
          "member_count",
          "ceo_id",
          "creator_id",
          "date_founded",
          "description",
          "alliance_id",
          "faction_id",
          "home_station_id",
          "shares",
          "tax_rate",
          "url",
          "war_eligible");

  @Override
  public String workerName() {
    return "info-corporations";
  }

  @Override
  public String queueName() {
    return QueueNames.ESI_CORPORATION_INFO;
  }

  @Override
  protected String entity() {
    return "corporation";
  }

  @Override
  protected Future<JsonObject> call(int id) {
    return runtime.esi().corporation(id);
  }

  @Override
  protected Upsert upsert() {
    return UPSERT;
  }

  @Override
  protected Tuple row(int id, JsonObject c) {
    String what = "ESI corporation " + id;
    Double tax = optDouble(c, "tax_rate");
    return Tuple.of(
        id,
        reqText(c, "name", what),
        reqText(c, "ticker", what),
        reqInt(c, "member_count", what),
        reqInt(c, "ceo_id", what),
        reqInt(c, "creator_id", what),
        optTime(c, "date_founded"),
        c.getString("description"),
        optInt(c, "alliance_id"),
        optInt(c, "faction_id"),
        optInt(c, "home_station_id"),
        c.getLong("shares"),
        tax == null ? 0f : tax.floatValue(),
        c.getString("url"),
        c.getBoolean("war_eligible"));
  }
}
