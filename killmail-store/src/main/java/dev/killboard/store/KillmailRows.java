package dev.killboard.store;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.contracts.Zkb;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
  private static final String EMPTY_LABELS = "[]";

  private KillmailRows() {}

  static Tuple killmails(List<EsiKillmail> batch) {
    int n = batch.size();
    Integer[] id = new Integer[n];
    String[] hash = new String[n];
    OffsetDateTime[] time = new OffsetDateTime[n];
    Integer[] system = new Integer[n];
    Integer[] moon = new Integer[n];
    Integer[] war = new Integer[n];
    ZkbColumns zkb = new ZkbColumns(n);
    for (int i = 0; i < n; i++) {
      EsiKillmail k = batch.get(i);
      id[i] = k.killmailId();
      hash[i] = k.hash();
      time[i] = k.time().atOffset(ZoneOffset.UTC);
      system[i] = k.solarSystemId();
      moon[i] = k.moonId();
      war[i] = k.warId();
      zkb.set(i, k.zkb());
    }
    return Tuple.of(
            id,
            hash,
            time,
            system,
            moon,
            war,
            zkb.location,
            zkb.total,
            zkb.fitted,
            zkb.destroyed,
            zkb.dropped,
            zkb.points)
        .addValue(zkb.npc)
        .addValue(zkb.solo)
        .addValue(zkb.awox)
        .addValue(zkb.labels);
  }

  /**
   * zKillboard's values only, for killmails stored without them: id, then the killmail columns
   * 7-16.
   */
  static Tuple zkbValues(List<Map.Entry<Integer, Zkb>> values) {
    int n = values.size();
    Integer[] id = new Integer[n];
    ZkbColumns zkb = new ZkbColumns(n);
    for (int i = 0; i < n; i++) {
      id[i] = values.get(i).getKey();
      zkb.set(i, values.get(i).getValue());
    }
    return Tuple.of(
            id,
            zkb.location,
            zkb.total,
            zkb.fitted,
            zkb.destroyed,
            zkb.dropped,
            zkb.points,
            zkb.npc)
        .addValue(zkb.solo)
        .addValue(zkb.awox)
        .addValue(zkb.labels);
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
      EsiKillmail.Victim v = batch.get(i).victim();
      id[i] = batch.get(i).killmailId();
      character[i] = v.characterId();
      corporation[i] = v.corporationId();
      alliance[i] = v.allianceId();
      faction[i] = v.factionId();
      ship[i] = v.shipTypeId();
      damage[i] = v.damageTaken();
      if (v.position() != null) {
        x[i] = v.position().x();
        y[i] = v.position().y();
        z[i] = v.position().z();
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
      List<EsiKillmail.Attacker> attackers = k.attackers();
      for (int i = 0; i < attackers.size(); i++) {
        EsiKillmail.Attacker a = attackers.get(i);
        id.add(k.killmailId());
        no.add(i);
        character.add(a.characterId());
        corporation.add(a.corporationId());
        alliance.add(a.allianceId());
        faction.add(a.factionId());
        ship.add(a.shipTypeId());
        weapon.add(a.weaponTypeId());
        damage.add(a.damageDone());
        finalBlow.add(a.finalBlow());
        security.add(a.securityStatus());
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
      c.add(k.killmailId(), k.items(), null, new int[] {0});
    }
    return c.tuple();
  }

  /** Whether {@link #items} would hold any row (skips an empty statement). */
  static boolean hasItems(List<EsiKillmail> batch) {
    return batch.stream().anyMatch(k -> !k.items().isEmpty());
  }

  /** The zkb columns of the killmails table (all null where a killmail has no zkb block). */
  private static final class ZkbColumns {
    final Long[] location;
    final Double[] total;
    final Double[] fitted;
    final Double[] destroyed;
    final Double[] dropped;
    final Integer[] points;
    final Boolean[] npc;
    final Boolean[] solo;
    final Boolean[] awox;
    final String[] labels;

    ZkbColumns(int n) {
      location = new Long[n];
      total = new Double[n];
      fitted = new Double[n];
      destroyed = new Double[n];
      dropped = new Double[n];
      points = new Integer[n];
      npc = new Boolean[n];
      solo = new Boolean[n];
      awox = new Boolean[n];
      labels = new String[n];
    }

    void set(int i, Zkb zkb) {
      if (zkb == null) {
        labels[i] = EMPTY_LABELS;
        return;
      }
      location[i] = zkb.locationId();
      total[i] = zkb.totalValue();
      fitted[i] = zkb.fittedValue();
      destroyed[i] = zkb.destroyedValue();
      dropped[i] = zkb.droppedValue();
      points[i] = zkb.points();
      npc[i] = zkb.npc();
      solo[i] = zkb.solo();
      awox[i] = zkb.awox();
      // The statement unpacks a JSON array of strings (labels may hold commas and quotes).
      labels[i] = new JsonArray(new ArrayList<Object>(zkb.labels())).encode();
    }
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

    void add(int killmailId, List<EsiKillmail.Item> items, Integer parentNo, int[] next) {
      for (EsiKillmail.Item item : items) {
        int itemNo = next[0]++;
        id.add(killmailId);
        no.add(itemNo);
        parent.add(parentNo);
        type.add(item.itemTypeId());
        flag.add(item.flag());
        dropped.add(item.quantityDropped());
        destroyed.add(item.quantityDestroyed());
        singleton.add(item.singleton());
        add(killmailId, item.items(), itemNo, next);
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
}
