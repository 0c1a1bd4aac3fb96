package dev.killboard.bench.dataset;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a deterministic dataset into a freshly migrated Killboard database with COPY, into the real
 * tables. Derived data (killmail region, counters, involvement rows, alliance member counts) is
 * left to the schema's triggers, which fire for COPY as for INSERT, so it stays exactly as
 * consistent as production writes keep it. Killmails go in batches, one transaction per batch, in
 * id order (as docs/schema.md asks of writers).
 */
public final class DatasetGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetGenerator.class);

  /**
   * Tables VACUUM ANALYZE runs on after loading: index-only scans need the visibility map, the
   * planner statistics.
   */
  private static final String[] TABLES = {
    "regions",
    "constellations",
    "solar_systems",
    "categories",
    "item_groups",
    "types",
    "races",
    "bloodlines",
    "alliances",
    "corporations",
    "characters",
    "alliance_member_counts",
    "alliance_snapshots",
    "corporation_snapshots",
    "killmails",
    "victims",
    "attackers",
    "killmail_items",
    "character_killmails",
    "corporation_killmails",
    "alliance_killmails",
    "killmail_counts",
    "killmail_days",
    "killmail_hours",
    "killmail_scope_days"
  };

  private DatasetGenerator() {}

  /**
   * Generates {@code spec} into the database behind {@code connection} (a migrated, empty Killboard
   * schema).
   */
  public static DatasetSummary generate(Connection connection, DatasetSpec spec)
      throws SQLException {
    return generate(connection, spec, done -> {});
  }

  /**
   * As {@link #generate(Connection, DatasetSpec)}, calling {@code progress} with the number of
   * killmails committed so far after each batch.
   */
  public static DatasetSummary generate(
      Connection connection, DatasetSpec spec, IntConsumer progress) throws SQLException {
    requireEmpty(connection);
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    boolean autoCommit = connection.getAutoCommit();
    Map<String, Long> rows = new LinkedHashMap<>();
    long started = System.nanoTime();
    DatasetModel model = new DatasetModel(spec);
    try {
      connection.setAutoCommit(false);
      writeEntities(copy, model, rows);
      connection.commit();
      KillmailRows batch = new KillmailRows(model);
      for (int k = 0; k < spec.killmails(); k++) {
        batch.add(k);
        if ((k + 1) % spec.batchSize() == 0 || k + 1 == spec.killmails()) {
          // Parents first: the children's foreign keys and the involvement triggers read the
          // killmail rows.
          count(rows, "killmails", batch.killmails.copy(copy));
          count(rows, "victims", batch.victims.copy(copy));
          count(rows, "attackers", batch.attackers.copy(copy));
          count(rows, "killmail_items", batch.items.copy(copy));
          connection.commit();
          progress.accept(k + 1);
        }
      }
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
    Duration load = Duration.ofNanos(System.nanoTime() - started);
    long vacuumStarted = System.nanoTime();
    try (Statement st = connection.createStatement()) {
      st.execute("VACUUM (ANALYZE) " + String.join(", ", TABLES));
    }
    connection.setAutoCommit(autoCommit);
    DatasetSummary summary =
        new DatasetSummary(spec, rows, load, Duration.ofNanos(System.nanoTime() - vacuumStarted));
    LOG.debug("Dataset generated: {}", summary);
    return summary;
  }

  private static void requireEmpty(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT (SELECT count(*) FROM (SELECT 1 FROM killmails LIMIT 1) k)"
                    + " + (SELECT count(*) FROM (SELECT 1 FROM regions LIMIT 1) r)"
                    + " + (SELECT count(*) FROM (SELECT 1 FROM characters LIMIT 1) c)")) {
      rs.next();
      if (rs.getLong(1) > 0) {
        throw new IllegalStateException(
            "the database already holds killmails, regions or characters; generate into a"
                + " freshly migrated, empty Killboard database (ids would collide)");
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        throw new IllegalStateException(
            "the Killboard schema is missing: run the migrations first"
                + " (dev.killboard.schema.SchemaMigrations.migrate or the schema's migrate command)",
            e);
      }
      throw e;
    }
  }

  private static void count(Map<String, Long> rows, String table, long n) {
    rows.merge(table, n, Long::sum);
  }

  private static void writeEntities(CopyManager copy, DatasetModel m, Map<String, Long> rows)
      throws SQLException {
    DatasetSpec spec = m.spec;
    CopyRows regions = new CopyRows("regions", "id, name, description");
    for (int i = 0; i < m.regionId.length; i++) {
      regions.add(m.regionId[i]).add(m.regionName[i]).add("The " + m.regionName[i] + " region.");
      regions.end();
    }
    count(rows, "regions", regions.copy(copy));

    SplittableRandom pos = DatasetModel.random(spec.seed(), DatasetModel.UNIVERSE, 1);
    CopyRows constellations =
        new CopyRows("constellations", "id, name, region_id, position_x, position_y, position_z");
    for (int i = 0; i < m.constellationId.length; i++) {
      constellations
          .add(m.constellationId[i])
          .add(m.constellationName[i])
          .add(m.regionId[m.constellationRegion[i]])
          .add(coordinate(pos))
          .add(coordinate(pos))
          .add(coordinate(pos));
      constellations.end();
    }
    count(rows, "constellations", constellations.copy(copy));

    // Systems after constellations: their region_id is derived from the constellation by trigger.
    CopyRows systems =
        new CopyRows(
            "solar_systems",
            "id, name, constellation_id, security_status, security_class, star_id, position_x, position_y, position_z");
    for (int i = 0; i < m.systemId.length; i++) {
      Double sec = m.systemSecurity[i];
      systems
          .add(m.systemId[i])
          .add(m.systemName[i])
          .add(m.constellationId[m.systemConstellation[i]])
          .addNullable(sec)
          .add(sec == null ? null : sec >= 0.5 ? "B" : sec > 0.0 ? "C" : "F")
          .add(40_000_000 + i * 100)
          .add(coordinate(pos))
          .add(coordinate(pos))
          .add(coordinate(pos));
      systems.end();
    }
    count(rows, "solar_systems", systems.copy(copy));

    CopyRows categories = new CopyRows("categories", "id, name, published");
    for (int i = 0; i < m.categoryId.length; i++) {
      categories.add(m.categoryId[i]).add(m.categoryName[i]).add(true);
      categories.end();
    }
    count(rows, "categories", categories.copy(copy));
    CopyRows groups = new CopyRows("item_groups", "id, name, category_id, published");
    for (int g = 0; g < m.groupId.length; g++) {
      groups.add(m.groupId[g]).add(m.groupName[g]).add(m.categoryId[m.groupCategory[g]]).add(true);
      groups.end();
    }
    count(rows, "item_groups", groups.copy(copy));
    CopyRows types =
        new CopyRows(
            "types",
            "id, name, description, group_id, published, volume, capacity, mass, packaged_volume");
    SplittableRandom tr = DatasetModel.random(spec.seed(), DatasetModel.ITEMS, 1);
    for (int t = 0; t < m.typeId.length; t++) {
      types
          .add(m.typeId[t])
          .add(m.typeName[t])
          .add("A " + m.groupName[m.typeGroup[t]].toLowerCase() + ".")
          .add(m.groupId[m.typeGroup[t]])
          .add(true)
          .add(DatasetModel.round(1 + tr.nextDouble() * 50_000))
          .add(DatasetModel.round(tr.nextDouble() * 1_000))
          .add(DatasetModel.round(1_000 + tr.nextDouble() * 1e8))
          .add(DatasetModel.round(1 + tr.nextDouble() * 5_000));
      types.end();
    }
    count(rows, "types", types.copy(copy));

    CopyRows races = new CopyRows("races", "id, name, description");
    for (int i = 0; i < DatasetModel.RACE_IDS.length; i++) {
      races
          .add(DatasetModel.RACE_IDS[i])
          .add(DatasetModel.RACE_NAMES[i])
          .add("The " + DatasetModel.RACE_NAMES[i] + ".");
      races.end();
    }
    count(rows, "races", races.copy(copy));
    CopyRows bloodlines = new CopyRows("bloodlines", "id, name, description, race_id");
    for (int i = 0; i < DatasetModel.BLOODLINE_IDS.length; i++) {
      bloodlines
          .add(DatasetModel.BLOODLINE_IDS[i])
          .add(DatasetModel.BLOODLINE_NAMES[i])
          .add("The " + DatasetModel.BLOODLINE_NAMES[i] + " bloodline.")
          .add(DatasetModel.BLOODLINE_RACE[i]);
      bloodlines.end();
    }
    count(rows, "bloodlines", bloodlines.copy(copy));

    CopyRows alliances =
        new CopyRows(
            "alliances",
            "id, name, ticker, date_founded, creator_corporation_id, creator_id, executor_corporation_id");
    for (int a = 0; a < m.allianceId.length; a++) {
      int corp = m.creatorCorporation(a);
      alliances
          .add(m.allianceId[a])
          .add(m.allianceName[a])
          .add(m.allianceTicker[a])
          .add(m.allianceFounded[a])
          .add(m.corporationId[corp])
          .add(m.characterId[m.ceo(corp)])
          .add(m.corporationId[corp]);
      alliances.end();
    }
    count(rows, "alliances", alliances.copy(copy));

    SplittableRandom cr = DatasetModel.random(spec.seed(), DatasetModel.CORPORATIONS, 1);
    CopyRows corporations =
        new CopyRows(
            "corporations",
            "id, name, ticker, member_count, ceo_id, creator_id, date_founded, description, alliance_id, tax_rate, war_eligible");
    for (int c = 0; c < m.corporationId.length; c++) {
      // Corporations are older than their own killmails and, for founders, than their alliance.
      Instant founded = m.windowEnd.minusSeconds(86_400L * (6_000 + cr.nextInt(1_000)));
      corporations
          .add(m.corporationId[c])
          .add(m.corporationName[c])
          .add(m.corporationTicker[c])
          .add(m.corporationMembers[c])
          .add(m.characterId[m.ceo(c)])
          .add(m.characterId[m.ceo(c)])
          .add(founded)
          .add("We are " + m.corporationName[c] + ".")
          .addNullable(m.allianceOfCorporation(c))
          .add(DatasetModel.round(cr.nextDouble() * 0.2))
          .add(cr.nextBoolean());
      corporations.end();
    }
    count(rows, "corporations", corporations.copy(copy));

    SplittableRandom chr = DatasetModel.random(spec.seed(), DatasetModel.CHARACTERS, 1);
    CopyRows characters =
        new CopyRows(
            "characters",
            "id, name, corporation_id, alliance_id, birthday, bloodline_id, race_id, gender, security_status");
    for (int i = 0; i < m.characterId.length; i++) {
      int corp = m.characterCorporation[i];
      int bloodline = chr.nextInt(DatasetModel.BLOODLINE_IDS.length);
      characters
          .add(m.characterId[i])
          .add(m.characterName[i])
          .add(m.corporationId[corp])
          .addNullable(m.allianceOfCorporation(corp))
          .add(m.windowEnd.minusSeconds(86_400L * (60 + chr.nextInt(5_000))))
          .add(DatasetModel.BLOODLINE_IDS[bloodline])
          .add(DatasetModel.BLOODLINE_RACE[bloodline])
          .add(chr.nextBoolean() ? "male" : "female")
          .add(m.characterSecurity[i]);
      characters.end();
      if (characters.rows() == 50_000) {
        count(rows, "characters", characters.copy(copy));
      }
    }
    count(rows, "characters", characters.copy(copy));

    // Snapshots end with today's counts: the last day equals corporations.member_count and the
    // alliance totals.
    CopyRows corpSnapshots =
        new CopyRows("corporation_snapshots", "corporation_id, snapshot_date, member_count");
    CopyRows allianceSnapshots =
        new CopyRows(
            "alliance_snapshots", "alliance_id, snapshot_date, member_count, corporation_count");
    LocalDate first = m.firstSnapshotDay();
    for (int d = 0; d < spec.snapshotDays(); d++) {
      LocalDate day = first.plusDays(d);
      int daysBefore = spec.snapshotDays() - 1 - d;
      long[] members = new long[m.allianceId.length];
      int[] corps = new int[m.allianceId.length];
      for (int c = 0; c < m.corporationId.length; c++) {
        int n = m.membersDaysBefore(c, daysBefore);
        corpSnapshots.add(m.corporationId[c]).add(day).add(n);
        corpSnapshots.end();
        int a = m.corporationAlliance[c];
        if (a >= 0) {
          members[a] += n;
          corps[a]++;
        }
      }
      for (int a = 0; a < m.allianceId.length; a++) {
        allianceSnapshots
            .add(m.allianceId[a])
            .add(day)
            .add((int) Math.min(Integer.MAX_VALUE, members[a]))
            .add(corps[a]);
        allianceSnapshots.end();
      }
    }
    count(rows, "corporation_snapshots", corpSnapshots.copy(copy));
    count(rows, "alliance_snapshots", allianceSnapshots.copy(copy));
  }

  private static double coordinate(SplittableRandom r) {
    return DatasetModel.round((r.nextDouble() - 0.5) * 1e17);
  }
}
