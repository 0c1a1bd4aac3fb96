package dev.killboard.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one check of an ESI killmail, for every way one arrives: ESI and R2Z2 answers (live) and
 * archive entries (the backfill). It reads the body into an {@link EsiKillmail} in the same pass
 * ({@link EsiKillmail#fromJson}) and checks what the killmail store and the schema rely on, so a
 * killmail that passes is stored whole, and the same killmail is accepted or refused whichever way
 * it came.
 *
 * <ul>
 *   <li>ids (system, moon, war, victim and attacker characters, corporations, alliances, factions,
 *       ships, weapons, item types) are positive and fit PostgreSQL's {@code integer}: stored ones
 *       are queued as info jobs;
 *   <li>{@code killmail_time} is an ISO-8601 date-time in the years 2003 (EVE's launch) to 9999;
 *   <li>the victim has a ship and {@code damage_taken >= 0}; a position has three finite
 *       coordinates;
 *   <li>1 to {@value #MAX_ATTACKERS} attackers ({@code attackers.attacker_no} is a {@code
 *       smallint}), with {@code damage_done >= 0} and {@code final_blow} a boolean when present;
 *   <li>at most {@value #MAX_ITEMS} items in all, containers nested at most {@value
 *       #MAX_ITEM_DEPTH} levels, quantities {@code >= 0}, {@code flag} a whole number.
 * </ul>
 *
 * <p>The limits accept every real killmail: the largest fights on record put a few thousand
 * attackers on one killmail and the largest cargoes we know of a few thousand item stacks, while
 * the limits are those of the schema (attackers) and of a killmail that still fits comfortably in
 * memory (items); docs/architecture.md, "Contracts".
 */
public final class KillmailShape {
  /** Attackers per killmail: {@code attacker_no} is a smallint. */
  public static final int MAX_ATTACKERS = Short.MAX_VALUE;

  /** Items per killmail, nested ones included. */
  public static final int MAX_ITEMS = 100_000;

  /**
   * Deepest container nesting (EVE nests one or two levels); deeper is hostile input, not a
   * killmail.
   */
  public static final int MAX_ITEM_DEPTH = 4;

  private KillmailShape() {}

  /**
   * Checks {@code esi} and reads it into a killmail with this hash and zkb block; when {@code
   * expectedId} is positive the body's {@code killmail_id} must equal it. The checks run in the
   * body's order (id, time, system, victim, items, attackers), so the message names the first field
   * that breaks a rule.
   *
   * @throws MalformedKillmail naming the first field that breaks a rule
   */
  static EsiKillmail read(JsonObject esi, long expectedId, String hash, Zkb zkb) {
    long id = requiredId(esi, "killmail_id", "");
    if (expectedId > 0 && id != expectedId) {
      throw new MalformedKillmail("killmail_id is " + id + " but " + expectedId + " was asked for");
    }
    OffsetDateTime time = time(esi);
    int system = requiredId(esi, "solar_system_id", "");
    Integer moon = optionalId(esi, "moon_id", "");
    Integer war = optionalId(esi, "war_id", "");
    Object v = esi.getValue("victim");
    if (!(v instanceof JsonObject victimJson)) {
      throw new MalformedKillmail(v == null ? "missing victim" : "victim must be an object");
    }
    EsiKillmail.Victim victim = victim(victimJson);
    Object itemsJson = victimJson.getValue("items");
    List<EsiKillmail.Item> items =
        itemsJson == null ? List.of() : items(itemsJson, "victim.items", 1, new int[] {0});
    return new EsiKillmail(
        (int) id, hash, time.toInstant(), system, moon, war, victim, attackers(esi), items, zkb);
  }

  /**
   * The killmail's time, checked (an ISO-8601 date-time in the years 2003-9999): what the backfill
   * needs of a body before it has a hash for it.
   *
   * @throws MalformedKillmail when {@code killmail_time} is missing or breaks the rule
   */
  public static OffsetDateTime time(JsonObject esi) {
    Object t = esi.getValue("killmail_time");
    if (!(t instanceof String s)) {
      throw new MalformedKillmail(
          t == null ? "missing killmail_time" : "killmail_time must be a string");
    }
    OffsetDateTime time;
    try {
      time = OffsetDateTime.parse(s);
    } catch (DateTimeParseException e) {
      throw new MalformedKillmail(
          "killmail_time '" + abbreviate(s) + "' is not an ISO-8601 date-time");
    }
    // Anything far outside EVE's lifetime is corrupt, and years past 9999 overflow what we store.
    if (time.getYear() < 2003 || time.getYear() > 9999) {
      throw new MalformedKillmail("killmail_time '" + s + "' is outside the years 2003-9999");
    }
    return time;
  }

  private static EsiKillmail.Victim victim(JsonObject victim) {
    Integer character = optionalId(victim, "character_id", "victim.");
    Integer corporation = optionalId(victim, "corporation_id", "victim.");
    Integer alliance = optionalId(victim, "alliance_id", "victim.");
    Integer faction = optionalId(victim, "faction_id", "victim.");
    int ship = requiredId(victim, "ship_type_id", "victim.");
    if (victim.getValue("damage_taken") == null) {
      throw new MalformedKillmail("missing victim.damage_taken");
    }
    int damage = atLeastZero(victim, "damage_taken", "victim.");
    EsiKillmail.Position position = null;
    Object p = victim.getValue("position");
    if (p != null) {
      if (!(p instanceof JsonObject pos)) {
        throw new MalformedKillmail("victim.position must be an object");
      }
      position =
          new EsiKillmail.Position(
              finite(pos, "x", "victim.position.", true),
              finite(pos, "y", "victim.position.", true),
              finite(pos, "z", "victim.position.", true));
    }
    return new EsiKillmail.Victim(
        character, corporation, alliance, faction, ship, damage, position);
  }

  private static List<EsiKillmail.Item> items(Object value, String path, int depth, int[] count) {
    if (!(value instanceof JsonArray items)) {
      throw new MalformedKillmail(path + " must be an array");
    }
    if (depth > MAX_ITEM_DEPTH) {
      throw new MalformedKillmail(path + " nests items deeper than " + MAX_ITEM_DEPTH + " levels");
    }
    List<EsiKillmail.Item> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      String at = path + "[" + i + "].";
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw new MalformedKillmail(path + "[" + i + "] must be an object");
      }
      if (++count[0] > MAX_ITEMS) {
        throw new MalformedKillmail("more than " + MAX_ITEMS + " items");
      }
      int type = requiredId(item, "item_type_id", at);
      if (item.getValue("flag") == null) {
        throw new MalformedKillmail("missing " + at + "flag");
      }
      int flag =
          (int) integral(item.getValue("flag"), at + "flag", Integer.MIN_VALUE, Integer.MAX_VALUE);
      Long dropped = quantity(item, "quantity_dropped", at);
      Long destroyed = quantity(item, "quantity_destroyed", at);
      Object s = item.getValue("singleton");
      int singleton =
          s == null ? 0 : (int) integral(s, at + "singleton", Integer.MIN_VALUE, Integer.MAX_VALUE);
      Object nested = item.getValue("items");
      List<EsiKillmail.Item> contents =
          nested == null ? List.of() : items(nested, at + "items", depth + 1, count);
      out.add(new EsiKillmail.Item(type, flag, dropped, destroyed, singleton, contents));
    }
    return out;
  }

  private static List<EsiKillmail.Attacker> attackers(JsonObject esi) {
    Object a = esi.getValue("attackers");
    if (!(a instanceof JsonArray attackers)) {
      throw new MalformedKillmail(a == null ? "missing attackers" : "attackers must be an array");
    }
    if (attackers.isEmpty() || attackers.size() > MAX_ATTACKERS) {
      throw new MalformedKillmail(
          "attackers must hold 1 to " + MAX_ATTACKERS + " entries, has " + attackers.size());
    }
    List<EsiKillmail.Attacker> out = new ArrayList<>(attackers.size());
    for (int i = 0; i < attackers.size(); i++) {
      String at = "attackers[" + i + "].";
      if (!(attackers.getValue(i) instanceof JsonObject attacker)) {
        throw new MalformedKillmail("attackers[" + i + "] must be an object");
      }
      Integer character = optionalId(attacker, "character_id", at);
      Integer corporation = optionalId(attacker, "corporation_id", at);
      Integer alliance = optionalId(attacker, "alliance_id", at);
      Integer faction = optionalId(attacker, "faction_id", at);
      Integer ship = optionalId(attacker, "ship_type_id", at);
      Integer weapon = optionalId(attacker, "weapon_type_id", at);
      int damage =
          attacker.getValue("damage_done") == null ? 0 : atLeastZero(attacker, "damage_done", at);
      Object finalBlow = attacker.getValue("final_blow");
      if (finalBlow != null && !(finalBlow instanceof Boolean)) {
        throw new MalformedKillmail(at + "final_blow must be true or false");
      }
      Double security =
          attacker.getValue("security_status") == null
              ? null
              : finite(attacker, "security_status", at, false);
      out.add(
          new EsiKillmail.Attacker(
              character,
              corporation,
              alliance,
              faction,
              ship,
              weapon,
              damage,
              Boolean.TRUE.equals(finalBlow),
              security));
    }
    return out;
  }

  private static int requiredId(JsonObject o, String field, String at) {
    if (o.getValue(field) == null) {
      throw new MalformedKillmail("missing " + at + field);
    }
    return optionalId(o, field, at);
  }

  private static Integer optionalId(JsonObject o, String field, String at) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    long id = integral(v, at + field, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (id <= 0) {
      throw new MalformedKillmail(at + field + " must be a positive id, got " + id);
    }
    return (int) id;
  }

  private static int atLeastZero(JsonObject o, String field, String at) {
    long value = integral(o.getValue(field), at + field, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (value < 0) {
      throw new MalformedKillmail(at + field + " must be at least 0, got " + value);
    }
    return (int) value;
  }

  private static Long quantity(JsonObject o, String field, String at) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    long value = integral(v, at + field, Long.MIN_VALUE, Long.MAX_VALUE);
    if (value < 0) {
      throw new MalformedKillmail(at + field + " must not be negative");
    }
    return value;
  }

  private static double finite(JsonObject o, String field, String at, boolean required) {
    Object v = o.getValue(field);
    if ((v != null || required)
        && (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()))) {
      throw new MalformedKillmail(at + field + " must be a finite number");
    }
    return ((Number) v).doubleValue();
  }

  /** A whole number within min..max, or a failure naming {@code field}. */
  static long integral(Object v, String field, long min, long max) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      long value = ((Number) v).longValue();
      if (value < min || value > max) {
        throw new MalformedKillmail(field + " " + value + " is out of range");
      }
      return value;
    }
    if (v instanceof BigInteger || v instanceof BigDecimal) {
      throw new MalformedKillmail(field + " " + abbreviate(v.toString()) + " is out of range");
    }
    throw new MalformedKillmail(
        field + " must be a whole number, got " + abbreviate(String.valueOf(v)));
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
