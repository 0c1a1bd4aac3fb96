package dev.killboard.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One killmail as ESI describes it, typed: its id and hash, time, system, the victim, the attackers
 * (in ESI's order, which is their {@code attacker_no}), the victim's items (containers holding
 * their contents) and zKillboard's {@code zkb} block, which is null when only ESI's copy is known.
 * Built by {@link #fromJson}, which runs the one {@link KillmailShape} check; live workers and the
 * backfill build the same record, so the killmail store sees one shape checked one way.
 */
public record EsiKillmail(
    int killmailId,
    String hash,
    Instant time,
    int solarSystemId,
    Integer moonId,
    Integer warId,
    Victim victim,
    List<Attacker> attackers,
    List<Item> items,
    Zkb zkb) {
  private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{40}");

  /**
   * The victim. Ids are null where ESI leaves them out (a structure has no character; a faction's
   * ship no corporation).
   */
  public record Victim(
      Integer characterId,
      Integer corporationId,
      Integer allianceId,
      Integer factionId,
      int shipTypeId,
      int damageTaken,
      Position position) {}

  /** Where the victim died, in metres from the system's sun. */
  public record Position(double x, double y, double z) {}

  /**
   * One attacker. ESI omits {@code damage_done} and {@code final_blow} for some NPCs: they read as
   * 0 and false; {@code securityStatus} is null when absent.
   */
  public record Attacker(
      Integer characterId,
      Integer corporationId,
      Integer allianceId,
      Integer factionId,
      Integer shipTypeId,
      Integer weaponTypeId,
      int damageDone,
      boolean finalBlow,
      Double securityStatus) {}

  /**
   * One item stack; a container's contents are its {@code items}. Quantities are null when ESI
   * leaves them out; {@code singleton} reads as 0 when absent.
   */
  public record Item(
      int itemTypeId,
      int flag,
      Long quantityDropped,
      Long quantityDestroyed,
      int singleton,
      List<Item> items) {
    public Item {
      items = List.copyOf(items);
    }
  }

  /**
   * The id (1 to {@code Integer.MAX_VALUE}), the hash (40 hexadecimal digits) and the non-null
   * parts; the shape of the rest is {@link #fromJson}'s business.
   *
   * @throws MalformedKillmail naming what is wrong
   */
  public EsiKillmail {
    checkIdAndHash(killmailId, hash);
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(victim, "victim");
    attackers = List.copyOf(attackers);
    items = List.copyOf(items);
  }

  /**
   * Reads ESI's killmail body {@code esi} (checked by {@link KillmailShape}: its {@code
   * killmail_id} must equal {@code killmailId}) with its hash and zKillboard's block ({@code zkb},
   * null when unknown).
   *
   * @throws MalformedKillmail naming the first field that breaks a rule
   */
  public static EsiKillmail fromJson(long killmailId, String hash, JsonObject esi, Zkb zkb) {
    checkIdAndHash(killmailId, hash);
    Objects.requireNonNull(esi, "esi");
    return KillmailShape.read(esi, killmailId, hash, zkb);
  }

  /** The same killmail with zKillboard's block (read from ESI, valued by zKillboard). */
  public EsiKillmail withZkb(Zkb zkb) {
    return new EsiKillmail(
        killmailId, hash, time, solarSystemId, moonId, warId, victim, attackers, items, zkb);
  }

  /**
   * ESI's body again, as {@link #fromJson} reads it (the hash and the zkb block are not part of it;
   * absent optional fields stay absent, defaulted ones are written).
   */
  public JsonObject toJson() {
    JsonObject v =
        new JsonObject()
            .put("ship_type_id", victim.shipTypeId())
            .put("damage_taken", victim.damageTaken());
    putIfSet(v, "character_id", victim.characterId());
    putIfSet(v, "corporation_id", victim.corporationId());
    putIfSet(v, "alliance_id", victim.allianceId());
    putIfSet(v, "faction_id", victim.factionId());
    if (victim.position() != null) {
      Position p = victim.position();
      v.put("position", new JsonObject().put("x", p.x()).put("y", p.y()).put("z", p.z()));
    }
    if (!items.isEmpty()) {
      v.put("items", itemsJson(items));
    }
    JsonArray a = new JsonArray();
    for (Attacker attacker : attackers) {
      JsonObject o =
          new JsonObject()
              .put("damage_done", attacker.damageDone())
              .put("final_blow", attacker.finalBlow());
      putIfSet(o, "character_id", attacker.characterId());
      putIfSet(o, "corporation_id", attacker.corporationId());
      putIfSet(o, "alliance_id", attacker.allianceId());
      putIfSet(o, "faction_id", attacker.factionId());
      putIfSet(o, "ship_type_id", attacker.shipTypeId());
      putIfSet(o, "weapon_type_id", attacker.weaponTypeId());
      putIfSet(o, "security_status", attacker.securityStatus());
      a.add(o);
    }
    JsonObject esi =
        new JsonObject()
            .put("killmail_id", killmailId)
            .put("killmail_time", time.toString())
            .put("solar_system_id", solarSystemId)
            .put("victim", v)
            .put("attackers", a);
    putIfSet(esi, "moon_id", moonId);
    putIfSet(esi, "war_id", warId);
    return esi;
  }

  private static JsonArray itemsJson(List<Item> items) {
    JsonArray out = new JsonArray();
    for (Item item : items) {
      JsonObject o =
          new JsonObject()
              .put("item_type_id", item.itemTypeId())
              .put("flag", item.flag())
              .put("singleton", item.singleton());
      putIfSet(o, "quantity_dropped", item.quantityDropped());
      putIfSet(o, "quantity_destroyed", item.quantityDestroyed());
      if (!item.items().isEmpty()) {
        o.put("items", itemsJson(item.items()));
      }
      out.add(o);
    }
    return out;
  }

  private static void putIfSet(JsonObject o, String field, Object value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static void checkIdAndHash(long killmailId, String hash) {
    Objects.requireNonNull(hash, "hash");
    if (killmailId <= 0 || killmailId > Integer.MAX_VALUE) {
      throw new MalformedKillmail(
          "killmail id " + killmailId + " is outside 1.." + Integer.MAX_VALUE);
    }
    if (!HASH.matcher(hash).matches()) {
      throw new MalformedKillmail(
          "killmail hash '"
              + (hash.length() > 60 ? hash.substring(0, 57) + "..." : hash)
              + "' is not 40 hexadecimal digits");
    }
  }
}
