package dev.killboard.backfill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Random;

/**
 * Deterministic R2Z2-shaped killmails for the ingest benchmark ({@code killmail_id}, {@code hash},
 * {@code esi}, {@code zkb}): 5 attackers and 5 item rows each (3 fitted modules and a container
 * holding one item).
 */
final class BenchKillmails {
  static final long FIRST_ID = 130_000_001L;
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

  private BenchKillmails() {}

  static JsonObject r2z2Entry(int i) {
    Random r = new Random(1_000_003L * i + 17);
    long id = FIRST_ID + i;
    JsonObject victim =
        new JsonObject()
            .put("character_id", 2_100_000_000 + r.nextInt(20_000))
            .put("corporation_id", 98_000_000 + r.nextInt(1_000))
            .put("alliance_id", 99_000_000 + r.nextInt(100))
            .put("ship_type_id", 580 + r.nextInt(40))
            .put("damage_taken", 1 + r.nextInt(50_000))
            .put(
                "position",
                new JsonObject()
                    .put("x", r.nextDouble() * 1e12)
                    .put("y", r.nextDouble() * 1e11)
                    .put("z", r.nextDouble() * 1e12));
    JsonArray items = new JsonArray();
    for (int k = 0; k < 3; k++) {
      items.add(
          new JsonObject()
              .put("item_type_id", 2000 + r.nextInt(3000))
              .put("flag", 11 + k)
              .put(r.nextBoolean() ? "quantity_dropped" : "quantity_destroyed", 1)
              .put("singleton", 0));
    }
    items.add(
        new JsonObject()
            .put("item_type_id", 11489)
            .put("flag", 5)
            .put("quantity_dropped", 1)
            .put("singleton", 0)
            .put(
                "items",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("item_type_id", 34)
                            .put("flag", 5)
                            .put("quantity_destroyed", 1 + r.nextInt(10_000))
                            .put("singleton", 0))));
    victim.put("items", items);
    JsonArray attackers = new JsonArray();
    for (int a = 0; a < 5; a++) {
      attackers.add(
          new JsonObject()
              .put("character_id", 2_100_000_000 + r.nextInt(20_000))
              .put("corporation_id", 98_000_000 + r.nextInt(1_000))
              .put("alliance_id", 99_000_000 + r.nextInt(100))
              .put("damage_done", r.nextInt(10_000))
              .put("final_blow", a == 0)
              .put("security_status", Math.round((r.nextDouble() * 10 - 5) * 10) / 10.0)
              .put("ship_type_id", 580 + r.nextInt(40))
              .put("weapon_type_id", 2000 + r.nextInt(3000)));
    }
    String hash = String.format("%040x", id * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
    JsonObject esi =
        new JsonObject()
            .put("killmail_id", id)
            .put("killmail_time", START.plusSeconds(i * 7L).toString())
            .put("solar_system_id", 30_000_001 + r.nextInt(5000))
            .put("victim", victim)
            .put("attackers", attackers);
    JsonObject zkb =
        new JsonObject()
            .put("locationID", 40_000_000L + r.nextInt(100_000))
            .put("hash", hash)
            .put("fittedValue", r.nextDouble() * 1e8)
            .put("droppedValue", r.nextDouble() * 1e7)
            .put("destroyedValue", r.nextDouble() * 1e8)
            .put("totalValue", r.nextDouble() * 2e8)
            .put("points", r.nextInt(100))
            .put("npc", false)
            .put("solo", false)
            .put("awox", false)
            .put("labels", new JsonArray().add("pvp").add("loc:nullsec"));
    return new JsonObject()
        .put("killmail_id", id)
        .put("hash", hash)
        .put("esi", esi)
        .put("zkb", zkb);
  }
}
