package dev.killboard.api.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic data set the API tests run against. Tests compute their expectations from these
 * definitions (never from the API), so an assertion fails when the API answers anything else.
 */
public final class Seed {
  public record Region(int id, String name, String description) {}

  public record Constellation(int id, String name, int regionId, double x, double y, double z) {}

  public record SolarSystem(
      int id,
      String name,
      int constellationId,
      Double security,
      String securityClass,
      Integer starId) {}

  public record Category(int id, String name) {}

  public record Group(int id, String name, int categoryId) {}

  public record Type(int id, String name, int groupId, String description) {}

  public record Alliance(
      int id,
      String name,
      String ticker,
      String founded,
      int creatorCorporationId,
      int creatorId,
      Integer executorCorporationId) {}

  public record Corporation(
      int id,
      String name,
      String ticker,
      int members,
      Integer allianceId,
      int ceoId,
      int creatorId,
      double taxRate,
      String url,
      String founded) {}

  public record Character(
      int id,
      String name,
      int corporationId,
      Integer allianceId,
      Double security,
      String birthday,
      int bloodlineId,
      int raceId,
      String gender) {}

  public record Attacker(
      Integer characterId,
      Integer corporationId,
      Integer allianceId,
      Integer shipTypeId,
      Integer weaponTypeId,
      int damage,
      boolean finalBlow,
      double security) {}

  public record Item(int typeId, int flag, Long dropped, Long destroyed, Integer parent) {}

  public record Killmail(
      int id,
      String hash,
      Instant time,
      int systemId,
      Integer victimCharacterId,
      Integer victimCorporationId,
      Integer victimAllianceId,
      int victimShipTypeId,
      int damageTaken,
      double totalValue,
      List<Attacker> attackers,
      List<Item> items) {}

  public static final List<Region> REGIONS =
      List.of(
          new Region(10000001, "Derelik", "Derelik is a harsh region."),
          new Region(10000002, "The Forge", "The Forge is the heart of trade."),
          new Region(10000003, "Vale of the Silent", null));
  public static final List<Constellation> CONSTELLATIONS =
      List.of(
          new Constellation(20000001, "San Matar", 10000001, 1.5e17, -2.5e16, 3.0e16),
          new Constellation(20000002, "Kimotoro", 10000002, -1.0e17, 4.0e16, -2.0e16),
          new Constellation(20000003, "Otanuomi", 10000002, -1.2e17, 4.5e16, -2.5e16));
  public static final List<SolarSystem> SYSTEMS =
      List.of(
          new SolarSystem(30000001, "Tanoo", 20000001, 0.858, "B", 40000001),
          new SolarSystem(30000002, "Lashesih", 20000001, 0.3, "C", 40000002),
          new SolarSystem(30000142, "Jita", 20000002, 0.9459, "B", 40009077),
          new SolarSystem(30000144, "Perimeter", 20000002, 0.95, "B", 40009114),
          new SolarSystem(30000150, "Niyabainen", 20000003, -0.2, "D", 40009200),
          new SolarSystem(30000151, "J123456", 20000003, null, null, null));
  public static final List<Category> CATEGORIES =
      List.of(new Category(6, "Ship"), new Category(7, "Module"), new Category(8, "Charge"));
  public static final List<Group> GROUPS =
      List.of(
          new Group(25, "Frigate", 6),
          new Group(26, "Cruiser", 6),
          new Group(55, "Projectile Weapon", 7),
          new Group(83, "Projectile Ammo", 8));
  public static final List<Type> TYPES =
      List.of(
          new Type(587, "Rifter", 25, "A Minmatar frigate."),
          new Type(621, "Caracal", 26, "A Caldari cruiser."),
          new Type(2889, "200mm AutoCannon II", 55, "An autocannon."),
          new Type(12608, "Hail S", 83, "Small projectile ammo."));
  public static final List<Alliance> ALLIANCES =
      List.of(
          new Alliance(
              99000001,
              "Test Alliance Please Ignore",
              "TEST",
              "2010-05-05T00:00:00Z",
              98000001,
              90000001,
              98000001),
          new Alliance(
              99000002,
              "Goonswarm Federation",
              "CONDI",
              "2010-06-01T12:00:00Z",
              98000002,
              90000002,
              98000002),
          new Alliance(
              99000003,
              "Closed Alliance",
              "SHUT",
              "2012-01-01T00:00:00Z",
              98000003,
              90000003,
              null));
  public static final List<Corporation> CORPORATIONS =
      List.of(
          new Corporation(
              98000001,
              "Dreddit",
              "B0RT",
              100,
              99000001,
              90000001,
              90000001,
              0.1,
              "https://dreddit.example",
              "2009-01-01T00:00:00Z"),
          new Corporation(
              98000002,
              "KarmaFleet",
              "KF",
              300,
              99000002,
              90000002,
              90000002,
              0.05,
              null,
              "2014-02-02T00:00:00Z"),
          new Corporation(
              98000003, "Lonely Corp", "LONE", 5, null, 90000003, 90000003, 0.0, null, null),
          new Corporation(
              98000004,
              "Dreddit Logistics",
              "B0RTL",
              40,
              99000001,
              90000001,
              90000001,
              0.2,
              null,
              "2011-03-03T00:00:00Z"),
          new Corporation(1000125, "CONCORD", "CONC", 0, null, 3000001, 1, 0.0, null, null));
  public static final List<Character> CHARACTERS =
      List.of(
          new Character(
              90000001,
              "Alice Alpha",
              98000001,
              99000001,
              5.0,
              "2010-01-01T10:00:00Z",
              4,
              2,
              "female"),
          new Character(
              90000002,
              "Bob Bravo",
              98000002,
              99000002,
              -2.5,
              "2011-02-02T11:00:00Z",
              1,
              1,
              "male"),
          new Character(
              90000003,
              "Carol Charlie",
              98000003,
              null,
              0.1,
              "2012-03-03T12:00:00Z",
              1,
              1,
              "female"),
          new Character(
              90000004,
              "Dave Delta",
              98000002,
              99000002,
              null,
              "2013-04-04T13:00:00Z",
              4,
              2,
              "male"));

  /** First killmail time; killmail i (0-based) happened i hours later. */
  public static final Instant BASE_TIME = Instant.parse("2025-01-01T00:00:00Z");

  public static final int FIRST_KILLMAIL = 1000001;
  public static final int KILLMAIL_COUNT = 30;
  public static final List<Killmail> KILLMAILS = killmails();

  private Seed() {}

  private static List<Killmail> killmails() {
    List<Killmail> out = new ArrayList<>();
    for (int i = 0; i < KILLMAIL_COUNT; i++) {
      Character victim = CHARACTERS.get(i % CHARACTERS.size());
      Character attacker = CHARACTERS.get((i + 1) % CHARACTERS.size());
      SolarSystem system = SYSTEMS.get(i % SYSTEMS.size());
      List<Attacker> attackers = new ArrayList<>();
      attackers.add(
          new Attacker(
              attacker.id(),
              attacker.corporationId(),
              attacker.allianceId(),
              621,
              2889,
              1000 + i,
              true,
              attacker.security() == null ? 0.0 : attacker.security()));
      if (i % 3 == 0) {
        // An NPC attacker: no character, corporation only.
        attackers.add(new Attacker(null, 1000125, null, 587, null, 10, false, 0.0));
      }
      List<Item> items = new ArrayList<>();
      if (i % 2 == 0) {
        items.add(new Item(2889, 27, 1L, null, null));
        items.add(new Item(12608, 5, null, 100L, null));
        // Ammo inside the first item (a nested item).
        items.add(new Item(12608, 0, 40L, null, 0));
      }
      out.add(
          new Killmail(
              FIRST_KILLMAIL + i,
              String.format("%040x", 0xABCDEFL + i),
              BASE_TIME.plusSeconds(3600L * i),
              system.id(),
              victim.id(),
              i == 7 ? null : victim.corporationId(),
              victim.allianceId(),
              i % 2 == 0 ? 587 : 621,
              500 + i,
              1_000_000.5 * (i + 1),
              attackers,
              items));
    }
    return out;
  }

  /** Member count of an alliance's corporation snapshot {@code daysAgo} days ago. */
  public static int allianceMembersDaysAgo(int allianceId, int daysAgo) {
    return allianceId == 99000001 ? 140 - daysAgo : 300 - 2 * daysAgo;
  }

  /** Member count of a corporation snapshot {@code daysAgo} days ago. */
  public static int corporationMembersDaysAgo(int corporationId, int daysAgo) {
    return corporationId == 98000002 ? 300 - 2 * daysAgo : 100 - daysAgo;
  }

  public static final int SNAPSHOT_DAYS = 40;

  public static Region region(int id) {
    return REGIONS.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  public static Constellation constellation(int id) {
    return CONSTELLATIONS.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  public static SolarSystem system(int id) {
    return SYSTEMS.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  public static Character character(int id) {
    return CHARACTERS.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  public static Corporation corporation(int id) {
    return CORPORATIONS.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  public static Alliance alliance(int id) {
    return ALLIANCES.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  public static Type type(int id) {
    return TYPES.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  public static Group group(int id) {
    return GROUPS.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  public static Killmail killmail(int id) {
    return KILLMAILS.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }

  /** Inserts everything (into an empty, migrated database). */
  public static void insert(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(
          "TRUNCATE killmails, regions, constellations, solar_systems, categories, item_groups, types, races, bloodlines,"
              + " alliances, corporations, characters, alliance_member_counts, alliance_snapshots, corporation_snapshots, users CASCADE");
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO regions (id, name, description) VALUES (?, ?, ?)")) {
      for (Region r : REGIONS) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.setString(3, r.description());
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO constellations (id, name, region_id, position_x, position_y, position_z) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Constellation r : CONSTELLATIONS) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.setInt(3, r.regionId());
        p.setDouble(4, r.x());
        p.setDouble(5, r.y());
        p.setDouble(6, r.z());
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO solar_systems (id, name, constellation_id, security_status,"
                + " security_class, star_id, position_x, position_y, position_z) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (SolarSystem r : SYSTEMS) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.setInt(3, r.constellationId());
        setDouble(p, 4, r.security());
        p.setString(5, r.securityClass());
        setInt(p, 6, r.starId());
        p.setDouble(7, r.id() * 1.0);
        p.setDouble(8, -r.id() * 2.0);
        p.setDouble(9, r.id() * 0.5);
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO categories (id, name, published) VALUES (?, ?, true)")) {
      for (Category r : CATEGORIES) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO item_groups (id, name, category_id, published) VALUES (?, ?, ?, ?)")) {
      for (Group r : GROUPS) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.setInt(3, r.categoryId());
        p.setBoolean(4, r.id() != 83);
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO types (id, name, description, group_id, published, volume, mass) VALUES (?, ?, ?, ?, true, ?, ?)")) {
      for (Type r : TYPES) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.setString(3, r.description());
        p.setInt(4, r.groupId());
        p.setDouble(5, r.id() / 10.0);
        p.setDouble(6, r.id() * 1000.0);
        p.addBatch();
      }
      p.executeBatch();
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO races (id, name, description) VALUES (1, 'Caldari', 'Caldari State'), (2, 'Minmatar', 'Minmatar Republic')");
      s.execute(
          "INSERT INTO bloodlines (id, name, description, race_id) VALUES (1, 'Deteis', 'Deteis bloodline', 1),"
              + " (4, 'Brutor', 'Brutor bloodline', 2)");
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO alliances (id, name, ticker, date_founded, creator_corporation_id,"
                + " creator_id, executor_corporation_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (Alliance r : ALLIANCES) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.setString(3, r.ticker());
        p.setTimestamp(4, Timestamp.from(Instant.parse(r.founded())));
        p.setInt(5, r.creatorCorporationId());
        p.setInt(6, r.creatorId());
        setInt(p, 7, r.executorCorporationId());
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO corporations (id, name, ticker, member_count, ceo_id, creator_id,"
                + " date_founded, alliance_id, tax_rate, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Corporation r : CORPORATIONS) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.setString(3, r.ticker());
        p.setInt(4, r.members());
        p.setInt(5, r.ceoId());
        p.setInt(6, r.creatorId());
        if (r.founded() == null) {
          p.setNull(7, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
          p.setTimestamp(7, Timestamp.from(Instant.parse(r.founded())));
        }
        setInt(p, 8, r.allianceId());
        p.setFloat(9, (float) r.taxRate());
        p.setString(10, r.url());
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO characters (id, name, corporation_id, alliance_id, birthday,"
                + " bloodline_id, race_id, gender, security_status, description, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Character r : CHARACTERS) {
        p.setInt(1, r.id());
        p.setString(2, r.name());
        p.setInt(3, r.corporationId());
        setInt(p, 4, r.allianceId());
        p.setTimestamp(5, Timestamp.from(Instant.parse(r.birthday())));
        p.setInt(6, r.bloodlineId());
        p.setInt(7, r.raceId());
        p.setString(8, r.gender());
        setDouble(p, 9, r.security());
        p.setString(10, "About " + r.name());
        p.setString(11, r.id() == 90000001 ? "Director" : null);
        p.addBatch();
      }
      p.executeBatch();
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    try (PreparedStatement a =
            c.prepareStatement(
                "INSERT INTO alliance_snapshots (alliance_id, snapshot_date, member_count,"
                    + " corporation_count) VALUES (?, ?, ?, ?)");
        PreparedStatement co =
            c.prepareStatement(
                "INSERT INTO corporation_snapshots (corporation_id, snapshot_date, member_count)"
                    + " VALUES (?, ?, ?)")) {
      for (int d = 0; d <= SNAPSHOT_DAYS; d++) {
        for (int alliance : new int[] {99000001, 99000002}) {
          a.setInt(1, alliance);
          a.setObject(2, today.minusDays(d));
          a.setInt(3, allianceMembersDaysAgo(alliance, d));
          a.setInt(4, alliance == 99000001 && d >= 30 ? 1 : alliance == 99000001 ? 2 : 1);
          a.addBatch();
        }
        for (int corporation : new int[] {98000001, 98000002}) {
          co.setInt(1, corporation);
          co.setObject(2, today.minusDays(d));
          co.setInt(3, corporationMembersDaysAgo(corporation, d));
          co.addBatch();
        }
      }
      a.executeBatch();
      co.executeBatch();
    }
    insertKillmails(c, KILLMAILS);
    c.commit();
    c.setAutoCommit(true);
  }

  /**
   * Inserts killmails with their victims, attackers and items (also used to add one killmail
   * later).
   */
  public static void insertKillmails(Connection c, List<Killmail> killmails) throws SQLException {
    try (PreparedStatement k =
            c.prepareStatement(
                "INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id,"
                    + " total_value, npc, solo) VALUES (?, ?, ?, ?, ?, false, false)");
        PreparedStatement v =
            c.prepareStatement(
                "INSERT INTO victims (killmail_id, character_id, corporation_id, alliance_id,"
                    + " ship_type_id, damage_taken, position_x, position_y, position_z) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement a =
            c.prepareStatement(
                "INSERT INTO attackers (killmail_id, attacker_no, character_id, corporation_id,"
                    + " alliance_id, ship_type_id, weapon_type_id, damage_done, final_blow, security_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement it =
            c.prepareStatement(
                "INSERT INTO killmail_items (killmail_id, item_no, parent_item_no, item_type_id,"
                    + " flag, quantity_dropped, quantity_destroyed, singleton) VALUES (?, ?, ?, ?, ?, ?, ?, 0)")) {
      for (Killmail m : killmails) {
        k.setInt(1, m.id());
        k.setString(2, m.hash());
        k.setTimestamp(3, Timestamp.from(m.time()));
        k.setInt(4, m.systemId());
        k.setDouble(5, m.totalValue());
        k.addBatch();
      }
      k.executeBatch();
      for (Killmail m : killmails) {
        v.setInt(1, m.id());
        setInt(v, 2, m.victimCharacterId());
        setInt(v, 3, m.victimCorporationId());
        setInt(v, 4, m.victimAllianceId());
        v.setInt(5, m.victimShipTypeId());
        v.setInt(6, m.damageTaken());
        v.setDouble(7, m.id() * 10.0);
        v.setDouble(8, m.id() * 20.0);
        v.setDouble(9, m.id() * 30.0);
        v.addBatch();
        for (int i = 0; i < m.attackers().size(); i++) {
          Attacker x = m.attackers().get(i);
          a.setInt(1, m.id());
          a.setInt(2, i);
          setInt(a, 3, x.characterId());
          setInt(a, 4, x.corporationId());
          setInt(a, 5, x.allianceId());
          setInt(a, 6, x.shipTypeId());
          setInt(a, 7, x.weaponTypeId());
          a.setInt(8, x.damage());
          a.setBoolean(9, x.finalBlow());
          a.setFloat(10, (float) x.security());
          a.addBatch();
        }
        for (int i = 0; i < m.items().size(); i++) {
          Item x = m.items().get(i);
          it.setInt(1, m.id());
          it.setInt(2, i);
          setInt(it, 3, x.parent());
          it.setInt(4, x.typeId());
          it.setInt(5, x.flag());
          setLong(it, 6, x.dropped());
          setLong(it, 7, x.destroyed());
          it.addBatch();
        }
      }
      v.executeBatch();
      a.executeBatch();
      it.executeBatch();
    }
  }

  private static void setInt(PreparedStatement p, int i, Integer v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.INTEGER);
    } else {
      p.setInt(i, v);
    }
  }

  private static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.BIGINT);
    } else {
      p.setLong(i, v);
    }
  }

  private static void setDouble(PreparedStatement p, int i, Double v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.DOUBLE);
    } else {
      p.setDouble(i, v);
    }
  }
}
