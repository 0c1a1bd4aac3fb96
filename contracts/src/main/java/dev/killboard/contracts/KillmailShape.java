package dev.killboard.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The one check of an ESI killmail, for every way one arrives: ESI and R2Z2 answers (live) and
 * archive entries (the backfill). It checks what the killmail store and the schema rely on, so a
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
   * Checks {@code esi}; when {@code expectedId} is positive its {@code killmail_id} must equal it.
   *
   * @throws MalformedKillmail naming the first field that breaks a rule
   */
  public static void check(JsonObject esi, long expectedId) {
    long id = requiredId(esi, "killmail_id", "");
    if (expectedId > 0 && id != expectedId) {
      throw new MalformedKillmail("killmail_id is " + id + " but " + expectedId + " was asked for");
    }
    time(esi);
    requiredId(esi, "solar_system_id", "");
    optionalId(esi, "moon_id", "");
    optionalId(esi, "war_id", "");
    victim(esi);
    attackers(esi);
  }

  /** The killmail's time; the killmail must have passed {@link #check}. */
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

  private static void victim(JsonObject esi) {
    Object v = esi.getValue("victim");
    if (!(v instanceof JsonObject victim)) {
      throw new MalformedKillmail(v == null ? "missing victim" : "victim must be an object");
    }
    participant(victim, "victim.");
    requiredId(victim, "ship_type_id", "victim.");
    Object damage = victim.getValue("damage_taken");
    if (damage == null) {
      throw new MalformedKillmail("missing victim.damage_taken");
    }
    atLeastZero(victim, "damage_taken", "victim.");
    Object p = victim.getValue("position");
    if (p != null) {
      if (!(p instanceof JsonObject pos)) {
        throw new MalformedKillmail("victim.position must be an object");
      }
      for (String axis : new String[] {"x", "y", "z"}) {
        finite(pos, axis, "victim.position.", true);
      }
    }
    Object items = victim.getValue("items");
    if (items != null) {
      items(items, "victim.items", 1, new int[] {0});
    }
  }

  private static void items(Object value, String path, int depth, int[] count) {
    if (!(value instanceof JsonArray items)) {
      throw new MalformedKillmail(path + " must be an array");
    }
    if (depth > MAX_ITEM_DEPTH) {
      throw new MalformedKillmail(path + " nests items deeper than " + MAX_ITEM_DEPTH + " levels");
    }
    for (int i = 0; i < items.size(); i++) {
      String at = path + "[" + i + "].";
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw new MalformedKillmail(path + "[" + i + "] must be an object");
      }
      if (++count[0] > MAX_ITEMS) {
        throw new MalformedKillmail("more than " + MAX_ITEMS + " items");
      }
      requiredId(item, "item_type_id", at);
      if (item.getValue("flag") == null) {
        throw new MalformedKillmail("missing " + at + "flag");
      }
      integral(item.getValue("flag"), at + "flag", Integer.MIN_VALUE, Integer.MAX_VALUE);
      quantity(item, "quantity_dropped", at);
      quantity(item, "quantity_destroyed", at);
      Object singleton = item.getValue("singleton");
      if (singleton != null) {
        integral(singleton, at + "singleton", Integer.MIN_VALUE, Integer.MAX_VALUE);
      }
      Object nested = item.getValue("items");
      if (nested != null) {
        items(nested, at + "items", depth + 1, count);
      }
    }
  }

  private static void attackers(JsonObject esi) {
    Object a = esi.getValue("attackers");
    if (!(a instanceof JsonArray attackers)) {
      throw new MalformedKillmail(a == null ? "missing attackers" : "attackers must be an array");
    }
    if (attackers.isEmpty() || attackers.size() > MAX_ATTACKERS) {
      throw new MalformedKillmail(
          "attackers must hold 1 to " + MAX_ATTACKERS + " entries, has " + attackers.size());
    }
    for (int i = 0; i < attackers.size(); i++) {
      String at = "attackers[" + i + "].";
      if (!(attackers.getValue(i) instanceof JsonObject attacker)) {
        throw new MalformedKillmail("attackers[" + i + "] must be an object");
      }
      participant(attacker, at);
      optionalId(attacker, "ship_type_id", at);
      optionalId(attacker, "weapon_type_id", at);
      if (attacker.getValue("damage_done") != null) {
        atLeastZero(attacker, "damage_done", at);
      }
      Object finalBlow = attacker.getValue("final_blow");
      if (finalBlow != null && !(finalBlow instanceof Boolean)) {
        throw new MalformedKillmail(at + "final_blow must be true or false");
      }
      finite(attacker, "security_status", at, false);
    }
  }

  private static void participant(JsonObject o, String at) {
    for (String f : new String[] {"character_id", "corporation_id", "alliance_id", "faction_id"}) {
      optionalId(o, f, at);
    }
  }

  private static long requiredId(JsonObject o, String field, String at) {
    if (o.getValue(field) == null) {
      throw new MalformedKillmail("missing " + at + field);
    }
    return optionalId(o, field, at);
  }

  private static long optionalId(JsonObject o, String field, String at) {
    Object v = o.getValue(field);
    if (v == null) {
      return 0;
    }
    long id = integral(v, at + field, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (id <= 0) {
      throw new MalformedKillmail(at + field + " must be a positive id, got " + id);
    }
    return id;
  }

  private static void atLeastZero(JsonObject o, String field, String at) {
    long value = integral(o.getValue(field), at + field, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (value < 0) {
      throw new MalformedKillmail(at + field + " must be at least 0, got " + value);
    }
  }

  private static void quantity(JsonObject o, String field, String at) {
    Object v = o.getValue(field);
    if (v != null && integral(v, at + field, Long.MIN_VALUE, Long.MAX_VALUE) < 0) {
      throw new MalformedKillmail(at + field + " must not be negative");
    }
  }

  private static void finite(JsonObject o, String field, String at, boolean required) {
    Object v = o.getValue(field);
    if ((v != null || required)
        && (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()))) {
      throw new MalformedKillmail(at + field + " must be a finite number");
    }
  }

  private static long integral(Object v, String field, long min, long max) {
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

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
