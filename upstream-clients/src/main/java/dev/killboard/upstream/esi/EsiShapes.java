package dev.killboard.upstream.esi;

import dev.killboard.upstream.JsonShape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields Killboard's workers rely on in each ESI answer. Optional fields are checked only for their type;
 * ids must be positive. The killmail check also serves R2Z2, whose entries embed the ESI killmail.
 */
public final class EsiShapes {
  /** Deepest container nesting accepted in a killmail's items (EVE nests one or two levels). */
  public static final int MAX_ITEM_DEPTH = 4;
  private static final int MAX_ATTACKERS = 10_000;
  private static final int MAX_ITEMS = 10_000;

  private EsiShapes() {
  }

  static JsonObject character(JsonShape s, JsonObject o) {
    s.text(o, "", "name");
    s.id(o, "", "corporation_id");
    s.optionalId(o, "", "alliance_id");
    s.optionalId(o, "", "faction_id");
    s.optionalId(o, "", "bloodline_id");
    s.optionalId(o, "", "race_id");
    s.optionalNumber(o, "", "security_status");
    s.optionalText(o, "", "birthday");
    return o;
  }

  static JsonObject corporation(JsonShape s, JsonObject o) {
    s.text(o, "", "name");
    s.text(o, "", "ticker");
    s.count(o, "", "member_count");
    s.optionalId(o, "", "alliance_id");
    s.optionalId(o, "", "ceo_id");
    s.optionalId(o, "", "creator_id");
    s.optionalId(o, "", "faction_id");
    s.optionalNumber(o, "", "tax_rate");
    s.optionalText(o, "", "date_founded");
    return o;
  }

  static JsonObject alliance(JsonShape s, JsonObject o) {
    s.text(o, "", "name");
    s.text(o, "", "ticker");
    s.optionalId(o, "", "creator_id");
    s.optionalId(o, "", "creator_corporation_id");
    s.optionalId(o, "", "executor_corporation_id");
    s.optionalId(o, "", "faction_id");
    s.optionalText(o, "", "date_founded");
    return o;
  }

  static JsonObject type(JsonShape s, JsonObject o, long id) {
    sameId(s, o, "type_id", id);
    s.text(o, "", "name");
    s.id(o, "", "group_id");
    s.optionalFlag(o, "", "published");
    s.optionalId(o, "", "market_group_id");
    for (String f : new String[] {"mass", "volume", "capacity", "packaged_volume", "radius"}) {
      s.optionalNumber(o, "", f);
    }
    return o;
  }

  static JsonObject group(JsonShape s, JsonObject o, long id) {
    sameId(s, o, "group_id", id);
    s.text(o, "", "name");
    s.id(o, "", "category_id");
    s.optionalFlag(o, "", "published");
    JsonArray types = s.optionalList(o, "", "types");
    if (types != null) {
      s.ids(types, "types");
    }
    return o;
  }

  static JsonObject category(JsonShape s, JsonObject o, long id) {
    sameId(s, o, "category_id", id);
    s.text(o, "", "name");
    s.optionalFlag(o, "", "published");
    JsonArray groups = s.optionalList(o, "", "groups");
    if (groups != null) {
      s.ids(groups, "groups");
    }
    return o;
  }

  static JsonObject region(JsonShape s, JsonObject o, long id) {
    sameId(s, o, "region_id", id);
    s.text(o, "", "name");
    s.ids(s.list(o, "", "constellations"), "constellations");
    return o;
  }

  static JsonObject constellation(JsonShape s, JsonObject o, long id) {
    sameId(s, o, "constellation_id", id);
    s.text(o, "", "name");
    s.id(o, "", "region_id");
    s.ids(s.list(o, "", "systems"), "systems");
    return o;
  }

  static JsonObject system(JsonShape s, JsonObject o, long id) {
    sameId(s, o, "system_id", id);
    s.text(o, "", "name");
    s.id(o, "", "constellation_id");
    s.number(o, "", "security_status");
    s.optionalText(o, "", "security_class");
    s.optionalId(o, "", "star_id");
    return o;
  }

  static JsonArray races(JsonShape s, JsonArray a) {
    for (int i = 0; i < a.size(); i++) {
      JsonObject race = s.element(a, "", i);
      s.id(race, "[" + i + "]", "race_id");
      s.text(race, "[" + i + "]", "name");
      s.optionalId(race, "[" + i + "]", "alliance_id");
    }
    return a;
  }

  static JsonArray bloodlines(JsonShape s, JsonArray a) {
    for (int i = 0; i < a.size(); i++) {
      JsonObject b = s.element(a, "", i);
      s.id(b, "[" + i + "]", "bloodline_id");
      s.text(b, "[" + i + "]", "name");
      s.id(b, "[" + i + "]", "race_id");
      s.optionalId(b, "[" + i + "]", "corporation_id");
      s.optionalId(b, "[" + i + "]", "ship_type_id");
    }
    return a;
  }

  static List<KillmailRef> killmailRefs(JsonShape s, JsonArray a) {
    List<KillmailRef> refs = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonObject ref = s.element(a, "", i);
      refs.add(new KillmailRef(s.id(ref, "[" + i + "]", "killmail_id"), s.hash(ref, "[" + i + "]", "killmail_hash")));
    }
    return refs;
  }

  /**
   * An ESI killmail: id (equal to {@code expectedId}), time, system, a victim with ship and damage, at least one
   * attacker, items with type, flag and quantities, containers nested at most {@link #MAX_ITEM_DEPTH} deep.
   */
  public static JsonObject killmail(JsonShape s, JsonObject o, long expectedId) {
    sameId(s, o, "killmail_id", expectedId);
    String time = s.text(o, "", "killmail_time");
    try {
      java.time.OffsetDateTime.parse(time);
    } catch (java.time.format.DateTimeParseException e) {
      throw s.malformed("field 'killmail_time' must be an ISO date-time, got \"" + (time.length() > 40
          ? time.substring(0, 40) : time) + "\"");
    }
    s.id(o, "", "solar_system_id");
    s.optionalId(o, "", "moon_id");
    s.optionalId(o, "", "war_id");
    JsonObject victim = s.child(o, "", "victim");
    s.id(victim, "victim", "ship_type_id");
    s.count(victim, "victim", "damage_taken");
    participant(s, victim, "victim");
    JsonArray items = s.optionalList(victim, "victim", "items");
    if (items != null) {
      items(s, items, "victim.items", 1);
    }
    JsonArray attackers = s.list(o, "", "attackers");
    if (attackers.isEmpty()) {
      throw s.malformed("field 'attackers' is empty; a killmail has at least one attacker");
    }
    s.atMost(attackers, "attackers", MAX_ATTACKERS);
    for (int i = 0; i < attackers.size(); i++) {
      String at = "attackers[" + i + "]";
      JsonObject a = s.element(attackers, "attackers", i);
      s.count(a, at, "damage_done");
      s.flag(a, at, "final_blow");
      s.optionalNumber(a, at, "security_status");
      s.optionalId(a, at, "ship_type_id");
      s.optionalId(a, at, "weapon_type_id");
      participant(s, a, at);
    }
    return o;
  }

  private static void participant(JsonShape s, JsonObject o, String at) {
    s.optionalId(o, at, "character_id");
    s.optionalId(o, at, "corporation_id");
    s.optionalId(o, at, "alliance_id");
    s.optionalId(o, at, "faction_id");
  }

  private static void items(JsonShape s, JsonArray items, String at, int depth) {
    if (depth > MAX_ITEM_DEPTH) {
      throw s.malformed("'" + at + "' nests containers deeper than " + MAX_ITEM_DEPTH + " levels");
    }
    s.atMost(items, at, MAX_ITEMS);
    for (int i = 0; i < items.size(); i++) {
      String here = at + "[" + i + "]";
      JsonObject item = s.element(items, at, i);
      s.id(item, here, "item_type_id");
      Long flag = s.optionalInteger(item, here, "flag");
      if (flag == null || flag < 0) {
        throw s.malformed("field '" + here + ".flag' must be an integer >= 0");
      }
      s.optionalInteger(item, here, "singleton");
      Long destroyed = s.optionalInteger(item, here, "quantity_destroyed");
      Long dropped = s.optionalInteger(item, here, "quantity_dropped");
      if ((destroyed != null && destroyed < 0) || (dropped != null && dropped < 0)) {
        throw s.malformed("'" + here + "' has a negative quantity");
      }
      JsonArray nested = s.optionalList(item, here, "items");
      if (nested != null) {
        items(s, nested, here + ".items", depth + 1);
      }
    }
  }

  private static void sameId(JsonShape s, JsonObject o, String field, long expected) {
    long actual = s.id(o, "", field);
    if (actual != expected) {
      throw s.malformed("field '" + field + "' is " + actual + " but " + expected + " was asked for");
    }
  }
}
