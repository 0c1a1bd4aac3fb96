package dev.killboard.bench.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.schema.SchemaMigrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator against a real, production-configured PostgreSQL: promised counts, consistent
 * derived data, determinism.
 */
class DatasetGeneratorTest {
  private static final DatasetSpec SPEC =
      DatasetSpec.defaults().withKillmails(2_000).withBatchSize(700);

  /**
   * What a dataset is, table by table, without the columns the database stamps (created_at,
   * updated_at, counter shards).
   */
  private static final Map<String, String> CONTENT = new LinkedHashMap<>();

  static {
    CONTENT.put("regions", "SELECT id, name, description FROM regions");
    CONTENT.put(
        "constellations",
        "SELECT id, name, region_id, position_x, position_y, position_z FROM constellations");
    CONTENT.put(
        "solar_systems",
        "SELECT id, name, constellation_id, region_id, security_status, security_class FROM solar_systems");
    CONTENT.put("categories", "SELECT id, name FROM categories");
    CONTENT.put("item_groups", "SELECT id, name, category_id FROM item_groups");
    CONTENT.put("types", "SELECT id, name, group_id, volume, mass FROM types");
    CONTENT.put(
        "alliances",
        "SELECT id, name, ticker, date_founded, creator_corporation_id FROM alliances");
    CONTENT.put(
        "corporations",
        "SELECT id, name, ticker, member_count, ceo_id, alliance_id, date_founded FROM corporations");
    CONTENT.put(
        "characters",
        "SELECT id, name, corporation_id, alliance_id, birthday, security_status FROM characters");
    CONTENT.put(
        "alliance_snapshots",
        "SELECT alliance_id, snapshot_date, member_count, corporation_count FROM alliance_snapshots");
    CONTENT.put(
        "corporation_snapshots",
        "SELECT corporation_id, snapshot_date, member_count FROM corporation_snapshots");
    CONTENT.put(
        "killmails",
        "SELECT " + KillmailRows.KILLMAIL_COLUMNS + ", region_id, constellation_id FROM killmails");
    CONTENT.put("victims", "SELECT " + KillmailRows.VICTIM_COLUMNS + " FROM victims");
    CONTENT.put("attackers", "SELECT " + KillmailRows.ATTACKER_COLUMNS + " FROM attackers");
    CONTENT.put("killmail_items", "SELECT " + KillmailRows.ITEM_COLUMNS + " FROM killmail_items");
    CONTENT.put("character_killmails", "SELECT * FROM character_killmails");
    CONTENT.put(
        "alliance_member_counts",
        "SELECT alliance_id, member_count, corporation_count FROM alliance_member_counts");
    CONTENT.put(
        "killmail_counts",
        "SELECT scope, scope_id, sum(n) FROM killmail_counts GROUP BY scope, scope_id");
  }

  private static EmbeddedDatabase db;
  private static Connection c;

  @BeforeAll
  static void start() throws SQLException {
    db = EmbeddedDatabase.start();
    SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
    c = DriverManager.getConnection(db.appJdbcUrl(), db.appUser(), db.appPassword());
  }

  @AfterAll
  static void stop() throws SQLException {
    if (c != null) {
      c.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void promisedCountsConsistentDerivedDataAndDeterminism() throws SQLException {
    truncate();
    DatasetSummary summary = DatasetGenerator.generate(c, SPEC);

    assertThat(summary.rows("killmails")).isEqualTo(2_000);
    assertThat(count("SELECT count(*) FROM regions")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM constellations")).isEqualTo(10);
    assertThat(count("SELECT count(*) FROM solar_systems")).isEqualTo(50);
    assertThat(count("SELECT count(*) FROM types")).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM item_groups")).isEqualTo(13);
    assertThat(count("SELECT count(*) FROM categories")).isEqualTo(5);
    assertThat(count("SELECT count(*) FROM alliances")).isEqualTo(20);
    assertThat(count("SELECT count(*) FROM corporations")).isEqualTo(100);
    assertThat(count("SELECT count(*) FROM characters")).isEqualTo(2_000);
    assertThat(count("SELECT count(*) FROM killmails")).isEqualTo(2_000);
    assertThat(count("SELECT count(DISTINCT snapshot_date) FROM alliance_snapshots")).isEqualTo(31);
    assertThat(count("SELECT count(*) FROM alliance_snapshots")).isEqualTo(31 * 20);
    assertThat(count("SELECT count(*) FROM corporation_snapshots")).isEqualTo(31 * 100);
    // Every type, group and category is reachable from the type a killmail refers to.
    assertThat(
            count(
                "SELECT count(*) FROM victims v LEFT JOIN types t ON t.id = v.ship_type_id"
                    + " LEFT JOIN item_groups g ON g.id = t.group_id LEFT JOIN categories ca ON ca.id = g.category_id WHERE ca.id IS NULL"))
        .isZero();

    // 1–10 attackers, exactly one final blow, the victim's damage is the attackers' sum.
    assertThat(
            count("SELECT min(n) FROM (SELECT count(*) n FROM attackers GROUP BY killmail_id) x"))
        .isEqualTo(1);
    assertThat(
            count("SELECT max(n) FROM (SELECT count(*) n FROM attackers GROUP BY killmail_id) x"))
        .isBetween(2L, 10L);
    assertThat(count("SELECT count(DISTINCT killmail_id) FROM attackers")).isEqualTo(2_000);
    assertThat(
            count(
                "SELECT count(*) FROM (SELECT killmail_id FROM attackers GROUP BY killmail_id"
                    + " HAVING count(*) FILTER (WHERE final_blow) <> 1) x"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM victims v WHERE v.damage_taken <>"
                    + " (SELECT sum(damage_done) FROM attackers a WHERE a.killmail_id = v.killmail_id)"))
        .isZero();
    // 0–5 items, some of them inside containers.
    assertThat(
            count(
                "SELECT max(n) FROM (SELECT count(*) n FROM killmail_items GROUP BY killmail_id) x"))
        .isEqualTo(5);
    assertThat(
            count(
                "SELECT count(*) FROM killmails k WHERE NOT EXISTS"
                    + " (SELECT 1 FROM killmail_items i WHERE i.killmail_id = k.killmail_id)"))
        .isPositive();
    assertThat(count("SELECT count(*) FROM killmail_items WHERE parent_item_no IS NOT NULL"))
        .isPositive();
    // zKillboard values on every killmail.
    assertThat(
            count(
                "SELECT count(*) FROM killmails WHERE total_value IS NULL OR points IS NULL"
                    + " OR abs(total_value - destroyed_value - dropped_value) > 0.05"))
        .isZero();

    // Derived data kept by the schema's triggers.
    assertThat(count("SELECT killmail_count_total()")).isEqualTo(2_000);
    assertThat(
            count(
                "SELECT count(*) FROM killmails WHERE region_id IS NULL OR constellation_id IS NULL"))
        .isZero();
    assertThat(count("SELECT sum(killmail_count_for_region(id)) FROM regions")).isEqualTo(2_000);
    assertThat(count("SELECT count(*) FROM character_killmails WHERE is_victim")).isEqualTo(2_000);
    assertThat(
            count(
                "SELECT count(*) FROM (SELECT alliance_id, sum(member_count) m, count(*) n FROM corporations"
                    + " WHERE alliance_id IS NOT NULL GROUP BY alliance_id) x JOIN alliance_member_counts a USING (alliance_id)"
                    + " WHERE a.member_count <> x.m OR a.corporation_count <> x.n"))
        .isZero();
    assertThat(count("SELECT count(*) FROM alliance_member_counts")).isEqualTo(20);
    // The last snapshot day holds today's counts.
    assertThat(
            count(
                "SELECT count(*) FROM alliance_snapshots s JOIN alliance_member_counts a USING (alliance_id)"
                    + " WHERE s.snapshot_date = '"
                    + SPEC.endDate()
                    + "' AND (s.member_count, s.corporation_count)"
                    + " = (a.member_count, a.corporation_count)"))
        .isEqualTo(20);

    // Same seed, same rows; another seed, other rows.
    Map<String, String> first = fingerprint();
    truncate();
    DatasetGenerator.generate(c, SPEC);
    assertThat(fingerprint()).isEqualTo(first);
    truncate();
    DatasetGenerator.generate(c, SPEC.withSeed(SPEC.seed() + 1));
    Map<String, String> other = fingerprint();
    assertThat(other.get("killmails")).isNotEqualTo(first.get("killmails"));
    assertThat(other.get("characters")).isNotEqualTo(first.get("characters"));
  }

  @Test
  void refusesANonEmptyDatabase() throws SQLException {
    truncate();
    DatasetGenerator.generate(c, DatasetSpec.defaults().withKillmails(10));
    assertThatThrownBy(() -> DatasetGenerator.generate(c, DatasetSpec.defaults().withKillmails(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("freshly migrated");
  }

  private static Map<String, String> fingerprint() throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : CONTENT.entrySet()) {
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                      + " FROM ("
                      + e.getValue()
                      + ") t")) {
        rs.next();
        out.put(e.getKey(), rs.getString(1));
      }
    }
    return out;
  }

  private static long count(String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void truncate() throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "TRUNCATE regions, constellations, solar_systems, categories, item_groups, types, races, bloodlines,"
              + " alliances, corporations, characters, alliance_member_counts, alliance_member_count_deltas, alliance_snapshots,"
              + " corporation_snapshots, killmails, victims, attackers, killmail_items");
      // The killmails truncate trigger clears the counters and involvement rows itself.
    }
  }
}
