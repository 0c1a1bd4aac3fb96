package dev.killboard.store;

import dev.killboard.contracts.EsiKillmail;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A batch of killmails flattened into column arrays, one {@link Tuple} per table, for {@code INSERT
 * ... SELECT FROM unnest(...)}: one statement per table however many killmails, attackers and items
 * the batch holds. Items are numbered depth-first, so a container precedes its contents and nested
 * items point at it by {@code parent_item_no}.
 */
final class KillmailRows {
  private KillmailRows() {}

  static Tuple killmails(List<EsiKillmail> batch) {
    int n = batch.size();
    Integer[] id = new Integer[n];
    String[] hash = new String[n];
    OffsetDateTime[] time = new OffsetDateTime[n];
    Integer[] system = new Integer[n];
    Integer[] moon = new Integer[n];
    Integer[] war = new Integer[n];
    Long[] location = new Long[n];
    Double[] total = new Double[n];
    Double[] fitted = new Double[n];
    Double[] destroyed = new Double[n];
    Double[] dropped = new Double[n];
    Integer[] points = new Integer[n];
    Boolean[] npc = new Boolean[n];
    Boolean[] solo = new Boolean[n];
    Boolean[] awox = new Boolean[n];
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      EsiKillmail k = batch.get(i);
      JsonObject esi = k.esi();
      JsonObject zkb = k.zkb() == null ? new JsonObject() : k.zkb();
      id[i] = (int) k.killmailId();
      hash[i] = k.hash();
      time[i] = OffsetDateTime.parse(esi.getString("killmail_time"));
      system[i] = intOf(esi, "solar_system_id");
      moon[i] = intOf(esi, "moon_id");
      war[i] = intOf(esi, "war_id");
      location[i] = zkb.getLong("locationID");
      total[i] = zkb.getDouble("totalValue");
      fitted[i] = zkb.getDouble("fittedValue");
      destroyed[i] = zkb.getDouble("destroyedValue");
      dropped[i] = zkb.getDouble("droppedValue");
      points[i] = intOf(zkb, "points");
      npc[i] = zkb.getBoolean("npc");
      solo[i] = zkb.getBoolean("solo");
      awox[i] = zkb.getBoolean("awox");
      JsonArray l = zkb.getJsonArray("labels");
      labels[i] = (l == null ? new JsonArray() : l).encode();
    }
    return Tuple.of(
            id, hash, time, system, moon, war, location, total, fitted, destroyed, dropped, points)
        .addValue(npc)
        .addValue(solo)
        .addValue(awox)
        .addValue(labels);
  }

  /**
   * zKillboard's values only, for killmails stored without them: id, then the killmail columns
   * 7-16.
   */
  static Tuple zkbValues(List<Map.Entry<Long, JsonObject>> values) {
    int n = values.size();
    Integer[] id = new Integer[n];
    Long[] location = new Long[n];
    Double[] total = new Double[n];
    Double[] fitted = new Double[n];
    Double[] destroyed = new Double[n];
    Double[] dropped = new Double[n];
    Integer[] points = new Integer[n];
    Boolean[] npc = new Boolean[n];
    Boolean[] solo = new Boolean[n];
    Boolean[] awox = new Boolean[n];
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      JsonObject zkb = values.get(i).getValue();
      id[i] = Math.toIntExact(values.get(i).getKey());
      location[i] = zkb.getLong("locationID");
      total[i] = zkb.getDouble("totalValue");
      fitted[i] = zkb.getDouble("fittedValue");
      destroyed[i] = zkb.getDouble("destroyedValue");
      dropped[i] = zkb.getDouble("droppedValue");
      points[i] = intOf(zkb, "points");
      npc[i] = zkb.getBoolean("npc");
      solo[i] = zkb.getBoolean("solo");
      awox[i] = zkb.getBoolean("awox");
      JsonArray l = zkb.getJsonArray("labels");
      labels[i] = (l == null ? new JsonArray() : l).encode();
    }
    return Tuple.of(id, location, total, fitted, destroyed, dropped, points, npc)
        .addValue(solo)
        .addValue(awox)
        .addValue(labels);
  }

  static Tuple victims(List<EsiKillmail> batch) {
    int n = batch.size();
    Integer[] id = new Integer[n];
    Integer[] character = new Integer[n];
    Integer[] corporation = new Integer[n];
    Integer[] alliance = new Integer[n];
    Integer[] faction = new Integer[n];
    Integer[] ship = new Integer[n];
    Integer[] damage = new Integer[n];
    Double[] x = new Double[n];
    Double[] y = new Double[n];
    Double[] z = new Double[n];
    for (int i = 0; i < n; i++) {
      JsonObject v = batch.get(i).esi().getJsonObject("victim");
      id[i] = (int) batch.get(i).killmailId();
      character[i] = intOf(v, "character_id");
      corporation[i] = intOf(v, "corporation_id");
      alliance[i] = intOf(v, "alliance_id");
      faction[i] = intOf(v, "faction_id");
      ship[i] = intOf(v, "ship_type_id");
      damage[i] = intOf(v, "damage_taken");
      JsonObject pos = v.getJsonObject("position");
      if (pos != null
          && pos.getValue("x") instanceof Number
          && pos.getValue("y") instanceof Number
          && pos.getValue("z") instanceof Number) {
        x[i] = pos.getDouble("x");
        y[i] = pos.getDouble("y");
        z[i] = pos.getDouble("z");
      }
    }
    return Tuple.of(id, character, corporation, alliance, faction, ship, damage, x, y, z);
  }

  static Tuple attackers(List<EsiKillmail> batch) {
    List<Integer> id = new ArrayList<>();
    List<Integer> no = new ArrayList<>();
    List<Integer> character = new ArrayList<>();
    List<Integer> corporation = new ArrayList<>();
    List<Integer> alliance = new ArrayList<>();
    List<Integer> faction = new ArrayList<>();
    List<Integer> ship = new ArrayList<>();
    List<Integer> weapon = new ArrayList<>();
    List<Integer> damage = new ArrayList<>();
    List<Boolean> finalBlow = new ArrayList<>();
    List<Double> security = new ArrayList<>();
    for (EsiKillmail k : batch) {
      JsonArray attackers = k.esi().getJsonArray("attackers");
      for (int i = 0; i < attackers.size(); i++) {
        JsonObject a = attackers.getJsonObject(i);
        id.add((int) k.killmailId());
        no.add(i);
        character.add(intOf(a, "character_id"));
        corporation.add(intOf(a, "corporation_id"));
        alliance.add(intOf(a, "alliance_id"));
        faction.add(intOf(a, "faction_id"));
        ship.add(intOf(a, "ship_type_id"));
        weapon.add(intOf(a, "weapon_type_id"));
        Integer d = intOf(a, "damage_done");
        damage.add(d == null ? 0 : d);
        finalBlow.add(Boolean.TRUE.equals(a.getBoolean("final_blow")));
        security.add(
            a.getValue("security_status") instanceof Number
                ? a.getDouble("security_status")
                : null);
      }
    }
    return Tuple.of(
        ints(id),
        ints(no),
        ints(character),
        ints(corporation),
        ints(alliance),
        ints(faction),
        ints(ship),
        ints(weapon),
        ints(damage),
        finalBlow.toArray(new Boolean[0]),
        security.toArray(new Double[0]));
  }

  static Tuple items(List<EsiKillmail> batch) {
    ItemColumns c = new ItemColumns();
    for (EsiKillmail k : batch) {
      JsonArray items = k.esi().getJsonObject("victim").getJsonArray("items");
      if (items != null) {
        c.add((int) k.killmailId(), items, null, new int[] {0});
      }
    }
    return c.tuple();
  }

  /** Whether {@link #items} would hold any row (skips an empty statement). */
  static boolean hasItems(List<EsiKillmail> batch) {
    for (EsiKillmail k : batch) {
      JsonArray items = k.esi().getJsonObject("victim").getJsonArray("items");
      if (items != null && !items.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static final class ItemColumns {
    final List<Integer> id = new ArrayList<>();
    final List<Integer> no = new ArrayList<>();
    final List<Integer> parent = new ArrayList<>();
    final List<Integer> type = new ArrayList<>();
    final List<Integer> flag = new ArrayList<>();
    final List<Long> dropped = new ArrayList<>();
    final List<Long> destroyed = new ArrayList<>();
    final List<Integer> singleton = new ArrayList<>();

    void add(int killmailId, JsonArray items, Integer parentNo, int[] next) {
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        int itemNo = next[0]++;
        id.add(killmailId);
        no.add(itemNo);
        parent.add(parentNo);
        type.add(intOf(item, "item_type_id"));
        flag.add(intOf(item, "flag"));
        dropped.add(item.getLong("quantity_dropped"));
        destroyed.add(item.getLong("quantity_destroyed"));
        Integer s = intOf(item, "singleton");
        singleton.add(s == null ? 0 : s);
        JsonArray nested = item.getJsonArray("items");
        if (nested != null) {
          add(killmailId, nested, itemNo, next);
        }
      }
    }

    Tuple tuple() {
      return Tuple.of(
          ints(id),
          ints(no),
          ints(parent),
          ints(type),
          ints(flag),
          dropped.toArray(new Long[0]),
          destroyed.toArray(new Long[0]),
          ints(singleton));
    }
  }

  private static Integer[] ints(List<Integer> values) {
    return values.toArray(new Integer[0]);
  }

  /**
   * An optional integer field; values outside PostgreSQL's integer fail loudly instead of wrapping.
   */
  static Integer intOf(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number number)) {
      throw new IllegalArgumentException("field '" + field + "' must be a number, got " + v);
    }
    return Math.toIntExact(number.longValue());
  }
}
