package dev.killboard.bench.dataset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes killmails as COPY rows: the killmail with zKillboard's values, its victim, 1–10 attackers
 * (exactly one final blow, damage adding up to the victim's damage taken) and 0–5 items, some of
 * them inside a container. Killmail {@code k} draws from its own random stream, so a batch can be
 * produced without the ones before it.
 */
final class KillmailRows {
  static final String KILLMAIL_COLUMNS =
      "killmail_id, killmail_hash, killmail_time, solar_system_id, moon_id, war_id,"
          + " location_id, total_value, fitted_value, destroyed_value, dropped_value, points, npc, solo, awox, labels";
  static final String VICTIM_COLUMNS =
      "killmail_id, character_id, corporation_id, alliance_id, faction_id, ship_type_id,"
          + " damage_taken, position_x, position_y, position_z";
  static final String ATTACKER_COLUMNS =
      "killmail_id, attacker_no, character_id, corporation_id, alliance_id, faction_id,"
          + " ship_type_id, weapon_type_id, damage_done, final_blow, security_status";
  static final String ITEM_COLUMNS =
      "killmail_id, item_no, parent_item_no, item_type_id, flag, quantity_dropped,"
          + " quantity_destroyed, singleton";

  private static final int MAX_ATTACKERS = 10;
  private static final int MAX_ITEMS = 5;

  /** Inventory flags: cargo hold, and the low/mid/high slots (11–34). */
  private static final int CARGO_FLAG = 5;

  final CopyRows killmails = new CopyRows("killmails", KILLMAIL_COLUMNS);
  final CopyRows victims = new CopyRows("victims", VICTIM_COLUMNS);
  final CopyRows attackers = new CopyRows("attackers", ATTACKER_COLUMNS);
  final CopyRows items = new CopyRows("killmail_items", ITEM_COLUMNS);

  private final DatasetModel m;
  private final long windowStartMillis;
  private final double millisPerKillmail;

  KillmailRows(DatasetModel model) {
    this.m = model;
    long windowMillis = model.spec.killmailDays() * 86_400_000L;
    this.windowStartMillis = model.windowEnd.toEpochMilli() - windowMillis;
    this.millisPerKillmail =
        model.spec.killmails() == 0 ? 0 : (double) windowMillis / model.spec.killmails();
  }

  /** Appends killmail {@code k} (0-based) and its children. */
  void add(int k) {
    DatasetSpec spec = m.spec;
    SplittableRandom r = DatasetModel.random(spec.seed(), DatasetModel.KILLMAILS, k);
    int id = spec.killmailId(k);
    // Strictly increasing with k: ids follow time, as in EVE.
    Instant time =
        Instant.ofEpochMilli(windowStartMillis + (long) ((k + r.nextDouble()) * millisPerKillmail));
    int system = r.nextInt(m.systemId.length);
    Double security = m.systemSecurity[system];

    int victim = busyCharacter(r);
    int victimCorp = m.characterCorporation[victim];
    Integer victimAlliance = m.allianceOfCorporation(victimCorp);
    int victimShip = m.shipTypes[r.nextInt(m.shipTypes.length)];

    double u = r.nextDouble();
    int attackerCount = Math.min(MAX_ATTACKERS, 1 + (int) (MAX_ATTACKERS * u * u));
    int finalBlow = r.nextInt(attackerCount);
    int damageTaken = 0;
    boolean allNpc = true;
    boolean awox = false;
    for (int a = 0; a < attackerCount; a++) {
      int damage = r.nextInt(5_000);
      damageTaken += damage;
      attackers.add(id).add(a);
      if (r.nextInt(20) == 0) {
        // An NPC: no character, an NPC corporation, no alliance.
        int ship = m.typeId[m.shipTypes[r.nextInt(m.shipTypes.length)]];
        attackers
            .add((String) null)
            .add(DatasetModel.NPC_CORPORATION_ID)
            .add((String) null)
            .add(500_011)
            .add(ship)
            .add(ship)
            .add(damage)
            .add(a == finalBlow)
            .add(0.0);
      } else {
        allNpc = false;
        int c = busyCharacter(r);
        if (c == victim) {
          c = (c + 1) % m.characterId.length;
        }
        int corp = m.characterCorporation[c];
        Integer alliance = m.allianceOfCorporation(corp);
        awox |= alliance != null && alliance.equals(victimAlliance);
        attackers
            .add(m.characterId[c])
            .add(m.corporationId[corp])
            .addNullable(alliance)
            .add((String) null)
            .add(m.typeId[m.shipTypes[r.nextInt(m.shipTypes.length)]])
            .add(m.typeId[m.weaponTypes[r.nextInt(m.weaponTypes.length)]])
            .add(damage)
            .add(a == finalBlow)
            .add((double) (float) m.characterSecurity[c]);
      }
      attackers.end();
    }

    victims
        .add(id)
        .add(m.characterId[victim])
        .add(m.corporationId[victimCorp])
        .addNullable(victimAlliance)
        .add((String) null)
        .add(m.typeId[victimShip])
        .add(damageTaken)
        .add(DatasetModel.round(r.nextDouble() * 1e12 - 5e11))
        .add(DatasetModel.round(r.nextDouble() * 1e11 - 5e10))
        .add(DatasetModel.round(r.nextDouble() * 1e12 - 5e11));
    victims.end();

    double fitted = m.typePrice[victimShip];
    double dropped = 0;
    double destroyed = m.typePrice[victimShip];
    int itemCount = r.nextInt(MAX_ITEMS + 1);
    // One killmail in five with at least two items carries a container with some of them inside.
    int containerContents =
        itemCount >= 2 && r.nextInt(5) == 0 ? 1 + r.nextInt(Math.min(3, itemCount - 1)) : 0;
    for (int i = 0; i < itemCount; i++) {
      boolean container = containerContents > 0 && i == 0;
      boolean inside = containerContents > 0 && i >= 1 && i <= containerContents;
      int type =
          container
              ? m.containerTypes[r.nextInt(m.containerTypes.length)]
              : m.cargoTypes[r.nextInt(m.cargoTypes.length)];
      long quantity = container ? 1 : 1 + r.nextInt(r.nextBoolean() ? 1 : 500);
      boolean drop = r.nextBoolean();
      int flag = container || inside ? CARGO_FLAG : 11 + r.nextInt(24);
      double value = m.typePrice[type] * quantity;
      if (drop) {
        dropped += value;
      } else {
        destroyed += value;
      }
      if (flag != CARGO_FLAG) {
        fitted += value;
      }
      items
          .add(id)
          .add(i)
          .addNullable(inside ? 0 : null)
          .add(m.typeId[type])
          .add(flag)
          .addNullable(drop ? quantity : null)
          .addNullable(drop ? null : quantity)
          .add(container ? 0 : r.nextInt(2));
      items.end();
    }

    boolean solo = attackerCount == 1 && !allNpc;
    List<String> labels = new ArrayList<>(4);
    labels.add(allNpc ? "npc" : "pvp");
    if (solo) {
      labels.add("solo");
    }
    if (awox) {
      labels.add("awox");
    }
    labels.add(
        security == null
            ? "loc:w-space"
            : security >= 0.45 ? "loc:highsec" : security > 0.0 ? "loc:lowsec" : "loc:nullsec");
    killmails
        .add(id)
        .add(hash(r))
        .add(time)
        .add(m.systemId[system])
        .add((String) null)
        .add((String) null)
        .add(40_000_000L + system * 100L + r.nextInt(100))
        .add(round2(dropped + destroyed))
        .add(round2(fitted))
        .add(round2(destroyed))
        .add(round2(dropped))
        .add(1 + r.nextInt(50))
        .add(allNpc)
        .add(solo)
        .add(awox)
        .addWords(labels);
    killmails.end();
  }

  /**
   * A character index, skewed: a few characters take part in many killmails, as on a real board.
   */
  private int busyCharacter(SplittableRandom r) {
    double u = r.nextDouble();
    return (int) (m.characterId.length * u * u);
  }

  private static String hash(SplittableRandom r) {
    StringBuilder sb = new StringBuilder(40);
    for (int i = 0; i < 5; i++) {
      String part = Integer.toHexString(r.nextInt());
      sb.append("00000000", part.length(), 8).append(part);
    }
    return sb.toString();
  }

  private static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
