package dev.killboard.upstream.esi;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.upstream.JsonShape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields Killboard's workers rely on in each ESI answer. Optional fields are checked only for
 * their type; ids must be positive. The killmail check also serves R2Z2, whose entries embed the
 * ESI killmail.
 */
public final class EsiShapes {
  private EsiShapes() {}

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
      refs.add(
          new KillmailRef(
              s.id(ref, "[" + i + "]", "killmail_id"),
              s.hash(ref, "[" + i + "]", "killmail_hash")));
    }
    return refs;
  }

  /**
   * An ESI killmail whose id equals {@code expectedId}, read with its hash by the contract's one
   * killmail check ({@link EsiKillmail#fromJson}, shared with the backfill); a breach is a
   * malformed answer. zKillboard's block is not part of ESI's answer: the killmail has none.
   */
  public static EsiKillmail killmail(JsonShape s, JsonObject o, long expectedId, String hash) {
    return s.contract(() -> EsiKillmail.fromJson(expectedId, hash, o, null));
  }

  private static void sameId(JsonShape s, JsonObject o, String field, long expected) {
    long actual = s.id(o, "", field);
    if (actual != expected) {
      throw s.malformed(
          "field '" + field + "' is " + actual + " but " + expected + " was asked for");
    }
  }
}
