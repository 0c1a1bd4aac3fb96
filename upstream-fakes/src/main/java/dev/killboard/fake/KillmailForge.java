package dev.killboard.fake;

import static dev.killboard.fake.UniverseGenerator.round;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Generates killmails in ESI's shape with zKillboard values, drawing every participant from the
 * universe's tables. One forge yields a deterministic sequence: the n-th killmail is the same for
 * the same seed.
 */
final class KillmailForge {
  private static final int[] SLOT_FLAGS = {11, 12, 13, 19, 20, 21, 27, 28, 29, 30, 87, 92, 93};
  private static final int CARGO = 5;

  private final long seed;
  private final Random random;
  private final UniverseGenerator tables;
  private final List<Long> systemIds;

  /**
   * The player characters new killmails may name; all of them unless {@link #castFrom} narrowed it.
   */
  private List<Long> cast;

  KillmailForge(long seed, Random random, UniverseGenerator tables) {
    this.seed = seed;
    this.random = random;
    this.tables = tables;
    this.systemIds = List.copyOf(tables.systems.keySet());
    this.cast = tables.playerCharacters;
  }

  /** Killmails forged from now on name only these player characters (victims and attackers). */
  void castFrom(List<Long> characters) {
    if (characters.isEmpty()) {
      throw new IllegalArgumentException(
          "the cast of new killmails needs at least one player character");
    }
    this.cast = List.copyOf(characters);
  }

  FakeKillmail forge(long killmailId, Instant time) {
    long systemId = systemIds.get(random.nextInt(systemIds.size()));
    double security = tables.systems.get(systemId).getDouble("security_status");
    int attackerCount = 1 + random.nextInt(10);
    boolean npcOnly = random.nextInt(10) == 0;
    JsonObject victim = victim();
    JsonArray attackers = new JsonArray();
    int finalBlow = random.nextInt(attackerCount);
    boolean awoxPick = victim.containsKey("corporation_id") && random.nextInt(33) == 0;
    long damage = 0;
    for (int i = 0; i < attackerCount; i++) {
      JsonObject attacker =
          npcOnly || random.nextInt(10) == 0
              ? npcAttacker()
              : playerAttacker(awoxPick && i == 0 ? victim.getLong("corporation_id") : 0);
      int done = 1 + random.nextInt(3000);
      damage += done;
      attacker.put("damage_done", done).put("final_blow", i == finalBlow);
      attackers.add(attacker);
    }
    victim.put("damage_taken", damage);
    JsonObject esi =
        new JsonObject()
            .put("killmail_id", killmailId)
            .put("killmail_time", time.toString())
            .put("solar_system_id", systemId)
            .put("victim", victim)
            .put("attackers", attackers);
    if (random.nextInt(50) == 0) {
      esi.put("moon_id", 40_000_000L + random.nextInt(500_000));
    }
    if (random.nextInt(50) == 0) {
      esi.put("war_id", 740_000L + random.nextInt(10_000));
    }
    String hash = hash(killmailId);
    return new FakeKillmail(killmailId, hash, esi, zkb(esi, systemId, security, hash));
  }

  private JsonObject victim() {
    JsonObject victim = new JsonObject();
    int kind = random.nextInt(100);
    if (kind == 0) {
      // ESI leaves corporation_id out for some victims (faction structures): consumers must cope.
      victim.put(
          "faction_id",
          UniverseGenerator.NPC_FACTIONS[random.nextInt(UniverseGenerator.NPC_FACTIONS.length)]);
    } else {
      long characterId = cast.get(random.nextInt(cast.size()));
      JsonObject character = tables.characters.get(characterId);
      if (kind > 3) {
        victim.put("character_id", characterId);
      }
      victim.put("corporation_id", character.getLong("corporation_id"));
      if (character.containsKey("alliance_id")) {
        victim.put("alliance_id", character.getLong("alliance_id"));
      }
    }
    victim.put("ship_type_id", tables.shipTypes.get(random.nextInt(tables.shipTypes.size())));
    victim.put(
        "position",
        new JsonObject()
            .put("x", round((random.nextDouble() - 0.5) * 1e12, 3))
            .put("y", round((random.nextDouble() - 0.5) * 1e11, 3))
            .put("z", round((random.nextDouble() - 0.5) * 1e12, 3)));
    int itemCount = random.nextInt(6);
    if (itemCount > 0) {
      JsonArray items = new JsonArray();
      boolean container = random.nextInt(4) == 0;
      for (int i = 0; i < itemCount; i++) {
        JsonObject item =
            item(container && i == 0 ? CARGO : SLOT_FLAGS[random.nextInt(SLOT_FLAGS.length)]);
        if (container && i == 0) {
          JsonArray nested = new JsonArray();
          int nestedCount = 1 + random.nextInt(3);
          for (int n = 0; n < nestedCount; n++) {
            nested.add(item(CARGO));
          }
          item.put("items", nested);
        }
        items.add(item);
      }
      victim.put("items", items);
    }
    return victim;
  }

  private JsonObject item(int flag) {
    JsonObject item =
        new JsonObject()
            .put("item_type_id", tables.itemTypes.get(random.nextInt(tables.itemTypes.size())))
            .put("flag", flag)
            .put("singleton", 0);
    int quantity = flag == CARGO ? 1 + random.nextInt(500) : 1;
    item.put(random.nextBoolean() ? "quantity_destroyed" : "quantity_dropped", quantity);
    return item;
  }

  private JsonObject playerAttacker(long forcedCorporation) {
    List<Long> pool = cast;
    if (forcedCorporation != 0) {
      // An awox: a member of the victim's corporation, if the cast has one.
      List<Long> members =
          tables.corporationMembers.get(forcedCorporation).stream().filter(cast::contains).toList();
      pool = members.isEmpty() ? cast : members;
    }
    long characterId = pool.get(random.nextInt(pool.size()));
    JsonObject character = tables.characters.get(characterId);
    JsonObject attacker =
        new JsonObject()
            .put("character_id", characterId)
            .put("corporation_id", character.getLong("corporation_id"));
    if (character.containsKey("alliance_id")) {
      attacker.put("alliance_id", character.getLong("alliance_id"));
    }
    return attacker
        .put("security_status", character.getDouble("security_status", 0.0))
        .put("ship_type_id", tables.shipTypes.get(random.nextInt(tables.shipTypes.size())))
        .put("weapon_type_id", tables.itemTypes.get(random.nextInt(tables.itemTypes.size())));
  }

  private JsonObject npcAttacker() {
    int i = random.nextInt(UniverseGenerator.NPC_CORPORATIONS.length);
    return new JsonObject()
        .put("corporation_id", UniverseGenerator.NPC_CORPORATIONS[i])
        .put("faction_id", UniverseGenerator.NPC_FACTIONS[i])
        .put("security_status", 0.0)
        .put("ship_type_id", tables.shipTypes.get(random.nextInt(tables.shipTypes.size())));
  }

  private JsonObject zkb(JsonObject esi, long systemId, double security, String hash) {
    JsonArray attackers = esi.getJsonArray("attackers");
    JsonObject victim = esi.getJsonObject("victim");
    boolean npc = true;
    int players = 0;
    boolean awox = false;
    for (int i = 0; i < attackers.size(); i++) {
      JsonObject a = attackers.getJsonObject(i);
      if (a.containsKey("character_id")) {
        npc = false;
        players++;
        awox |=
            victim.containsKey("corporation_id")
                && victim.getLong("corporation_id").equals(a.getLong("corporation_id"));
      }
    }
    boolean solo = players == 1 && attackers.size() == 1;
    double ship = Math.pow(10, 6 + random.nextDouble() * 3);
    double fitted = round(Math.pow(10, 5 + random.nextDouble() * 4.5), 2);
    double total = round(ship + fitted, 2);
    double dropped = round(fitted * random.nextDouble() * 0.6, 2);
    double destroyed = round(total - dropped, 2);
    int points = npc ? 1 : Math.max(1, (int) (Math.log10(total) * random.nextDouble() * 4));
    JsonArray labels = new JsonArray().add(npc ? "npc" : "pvp");
    if (solo) {
      labels.add("solo");
    }
    if (awox) {
      labels.add("awox");
    }
    labels.add(security >= 0.45 ? "loc:highsec" : security > 0.0 ? "loc:lowsec" : "loc:nullsec");
    for (double threshold : new double[] {1e9, 5e9, 1e10, 1e11}) {
      if (total >= threshold) {
        labels.add(
            "isk:"
                + (threshold >= 1e11
                    ? "100b+"
                    : threshold >= 1e10 ? "10b+" : threshold >= 5e9 ? "5b+" : "1b+"));
      }
    }
    long location =
        40_000_000L + (systemId - UniverseGenerator.FIRST_SYSTEM) * 100L + 1 + random.nextInt(10);
    return new JsonObject()
        .put("locationID", location)
        .put("hash", hash)
        .put("fittedValue", fitted)
        .put("droppedValue", dropped)
        .put("destroyedValue", destroyed)
        .put("totalValue", total)
        .put("points", points)
        .put("npc", npc)
        .put("solo", solo)
        .put("awox", awox)
        .put("labels", labels);
  }

  /**
   * ESI's killmail hash is an opaque 40-hex string; derive it from seed and id so it is stable and
   * distinct.
   */
  private String hash(long killmailId) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return HexFormat.of()
          .formatHex(
              sha1.digest(
                  ("killboard-fake:" + seed + ":" + killmailId).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every JRE", e);
    }
  }
}
