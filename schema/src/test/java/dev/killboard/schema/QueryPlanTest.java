package dev.killboard.schema;

import static dev.killboard.schema.Sql.longValue;
import static dev.killboard.schema.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The indexes the API relies on exist, and on a few thousand generated killmails the planner uses
 * them for the list queries, both with literals (custom plans) and as prepared statements (generic
 * plans, as the API runs them).
 */
class QueryPlanTest {

  private static FreshDatabase db;
  private static Connection c;

  @BeforeAll
  static void loadDataset() throws SQLException, IOException {
    db = FreshDatabase.migrated();
    c = db.connect();
    String dataset;
    try (InputStream in = QueryPlanTest.class.getResourceAsStream("/dataset/plan-dataset.sql")) {
      assertThat(in).isNotNull();
      dataset = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Statement st = c.createStatement()) {
      st.execute(dataset);
      st.execute("ANALYZE");
    }
    // VACUUM sets the visibility map (index-only scans), as autovacuum would in production. An
    // autovacuum worker analysing this new database at the same moment can hold back the horizon,
    // so repeat until it sticks.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    do {
      try (Statement st = c.createStatement()) {
        st.execute(
            "VACUUM killmails, character_killmails, corporation_killmails, alliance_killmails");
      }
    } while (longValue(
                c,
                "SELECT sum(relpages - relallvisible) FROM pg_class WHERE relname IN ('killmails',"
                    + " 'character_killmails', 'corporation_killmails', 'alliance_killmails')")
            > 0
        && System.nanoTime() < deadline);
    assertThat(longValue(c, "SELECT count(*) FROM killmails")).isEqualTo(5000);
  }

  @AfterAll
  static void drop() throws SQLException {
    if (c != null) {
      c.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void theIndexesTheApiReliesOnExist() throws SQLException {
    Map<String, String> expected = new TreeMap<>();
    expected.put("killmails_time_idx", "killmails USING btree (killmail_time, killmail_id)");
    expected.put(
        "killmails_system_time_idx",
        "killmails USING btree (solar_system_id, killmail_time, killmail_id)");
    expected.put(
        "killmails_region_time_idx",
        "killmails USING btree (region_id, killmail_time, killmail_id)");
    expected.put(
        "character_killmails_pkey",
        "character_killmails USING btree (character_id, killmail_time, killmail_id)");
    expected.put(
        "corporation_killmails_pkey",
        "corporation_killmails USING btree (corporation_id, killmail_time, killmail_id)");
    expected.put(
        "alliance_killmails_pkey",
        "alliance_killmails USING btree (alliance_id, killmail_time, killmail_id)");
    expected.put("attackers_pkey", "attackers USING btree (killmail_id, attacker_no)");
    expected.put("killmail_items_pkey", "killmail_items USING btree (killmail_id, item_no)");
    expected.put("characters_name_trgm_idx", "characters USING gin (name gin_trgm_ops)");
    expected.put("corporations_name_trgm_idx", "corporations USING gin (name gin_trgm_ops)");
    expected.put("corporations_ticker_trgm_idx", "corporations USING gin (ticker gin_trgm_ops)");
    expected.put("alliances_name_trgm_idx", "alliances USING gin (name gin_trgm_ops)");
    expected.put("alliances_ticker_trgm_idx", "alliances USING gin (ticker gin_trgm_ops)");
    expected.put("types_name_trgm_idx", "types USING gin (name gin_trgm_ops)");
    expected.put("item_groups_name_trgm_idx", "item_groups USING gin (name gin_trgm_ops)");
    expected.put("categories_name_trgm_idx", "categories USING gin (name gin_trgm_ops)");
    expected.put("regions_name_trgm_idx", "regions USING gin (name gin_trgm_ops)");
    expected.put("constellations_name_trgm_idx", "constellations USING gin (name gin_trgm_ops)");
    expected.put("solar_systems_name_trgm_idx", "solar_systems USING gin (name gin_trgm_ops)");
    expected.put("characters_name_idx", "characters USING btree (name, id)");
    expected.put("characters_corporation_idx", "characters USING btree (corporation_id, name)");
    expected.put(
        "characters_alliance_idx",
        "characters USING btree (alliance_id, name) WHERE (alliance_id IS NOT NULL)");
    expected.put("characters_security_idx", "characters USING btree (security_status, id)");
    expected.put("corporations_member_count_idx", "corporations USING btree (member_count, id)");
    expected.put(
        "corporations_alliance_idx",
        "corporations USING btree (alliance_id, member_count) WHERE (alliance_id IS NOT NULL)");
    expected.put(
        "alliance_member_counts_member_idx",
        "alliance_member_counts USING btree (member_count, alliance_id)");
    expected.put(
        "alliance_snapshots_pkey", "alliance_snapshots USING btree (alliance_id, snapshot_date)");
    expected.put(
        "corporation_snapshots_pkey",
        "corporation_snapshots USING btree (corporation_id, snapshot_date)");
    expected.put("solar_systems_region_idx", "solar_systems USING btree (region_id, name)");
    expected.put(
        "solar_systems_constellation_idx", "solar_systems USING btree (constellation_id, name)");
    expected.put("solar_systems_security_idx", "solar_systems USING btree (security_status, id)");
    expected.put("constellations_region_idx", "constellations USING btree (region_id, name)");
    expected.put("types_group_idx", "types USING btree (group_id, name)");
    expected.put("item_groups_category_idx", "item_groups USING btree (category_id, name)");
    expected.put("killmail_counts_pkey", "killmail_counts USING btree (scope, scope_id, shard)");

    Map<String, String> actual = new TreeMap<>();
    for (String row :
        rows(c, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")) {
      String[] parts = row.split("\\|", 2);
      actual.put(parts[0], parts[1].replaceFirst("^CREATE (UNIQUE )?INDEX \\S+ ON public\\.", ""));
    }
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertThat(actual).as("index %s", e.getKey()).containsEntry(e.getKey(), e.getValue());
    }
  }

  @Test
  void killmailListPagesWalkTheTimeIndex() throws SQLException {
    String newest =
        "SELECT killmail_id, killmail_time FROM killmails ORDER BY killmail_time DESC, killmail_id DESC LIMIT 25";
    assertUses(newest, "Index Scan Backward using killmails_time_idx", "killmails");
    assertUses(
        "SELECT * FROM killmails ORDER BY killmail_time DESC, killmail_id DESC LIMIT 25",
        "Index Scan Backward using killmails_time_idx",
        "killmails");
    List<String> page1 = rows(c, newest);
    assertThat(page1).hasSize(25);
    assertThat(page1.get(0)).startsWith("5000|");

    // Keyset: the next page starts after the last (time, id) of this one.
    String keyset =
        "SELECT killmail_id FROM killmails WHERE (killmail_time, killmail_id) < (?::timestamptz, ?)"
            + " ORDER BY killmail_time DESC, killmail_id DESC LIMIT 25";
    String[] last = page1.get(24).split("\\|");
    assertUsesGeneric(
        keyset,
        List.of("timestamptz", "int"),
        List.of("'" + last[1] + "'", last[0]),
        "Index Scan Backward using killmails_time_idx",
        "killmails");
    assertThat(rows(c, keyset, last[1], Integer.parseInt(last[0]))).first().isEqualTo("4975");

    assertUses(
        "SELECT killmail_id FROM killmails ORDER BY killmail_time, killmail_id LIMIT 25",
        "Index Scan using killmails_time_idx",
        "killmails");
    assertUsesGeneric(
        "SELECT killmail_id FROM killmails WHERE (killmail_time, killmail_id) > (?::timestamptz, ?)"
            + " ORDER BY killmail_time, killmail_id LIMIT 25",
        List.of("timestamptz", "int"),
        List.of("'2025-05-02'", "0"),
        "Index Scan using killmails_time_idx",
        "killmails");
    // Page-number access (the contract's page/limit): ids from an index-only scan, rows fetched for
    // one page.
    assertUses(
        "SELECT k.* FROM (SELECT killmail_id FROM killmails ORDER BY killmail_time DESC, killmail_id DESC"
            + " OFFSET 250 LIMIT 25) p JOIN killmails k USING (killmail_id)",
        "Index Only Scan Backward using killmails_time_idx",
        "killmails");
  }

  @Test
  void systemAndRegionFiltersUseTheirOwnIndexes() throws SQLException {
    // Planned with the value (custom plans). A cached generic plan cannot tell a quiet region from
    // a busy one and may walk killmails_time_idx with a filter: docs/schema.md says how the API
    // keeps these statements custom.
    update("INSERT INTO regions (id, name) VALUES (10000099, 'Quiet')");
    update("INSERT INTO constellations (id, name, region_id) VALUES (20000099, 'Quiet', 10000099)");
    update(
        "INSERT INTO solar_systems (id, name, constellation_id, security_status) VALUES (30000999, 'Quiet', 20000099, -0.5)");
    update(
        "INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id)"
            + " VALUES (900001, md5('q') || 'deadbeef', timestamptz '2025-05-10', 30000999)");
    update("ANALYZE killmails");
    // A quiet region or system must use its own index: walking the time index would read the whole
    // table.
    assertUses(
        "SELECT * FROM killmails WHERE region_id = 10000099 ORDER BY killmail_time DESC, killmail_id DESC LIMIT 25",
        "killmails_region_time_idx",
        "killmails");
    assertUses(
        "SELECT * FROM killmails WHERE solar_system_id = 30000999 ORDER BY killmail_time DESC, killmail_id DESC LIMIT 25",
        "killmails_system_time_idx",
        "killmails");
    // For a busy one the planner may equally walk the time index and filter; either way a page
    // reads a bounded
    // number of rows, not the table.
    for (String filter :
        List.of(
            "region_id = 10000002",
            "region_id = 10000099",
            "solar_system_id = 30000007",
            "solar_system_id = 30000999",
            "region_id = 10000002 AND (killmail_time, killmail_id) < ('2025-05-20', 0)")) {
      String page =
          "SELECT * FROM killmails WHERE "
              + filter
              + " ORDER BY killmail_time DESC, killmail_id DESC LIMIT 25";
      assertUses(page, "Index", "killmails");
      assertThat(rowsVisited(page, "killmails"))
          .as("rows of killmails read for %s", filter)
          .isLessThanOrEqualTo(750);
    }
    assertThat(longValue(c, "SELECT killmail_count_for_region(10000002)"))
        .isEqualTo(longValue(c, "SELECT count(*) FROM killmails WHERE region_id = 10000002"))
        .isPositive();
    assertThat(longValue(c, "SELECT killmail_count_for_region(10000099)")).isEqualTo(1);
    update("DELETE FROM killmails WHERE killmail_id = 900001");
  }

  @Test
  void entityKillmailPagesAndCountsAreIndexOnlyRangeScans() throws SQLException {
    for (String[] t :
        new String[][] {
          {"character_killmails", "character_id", "90000014"},
          {"corporation_killmails", "corporation_id", "98000014"},
          {"alliance_killmails", "alliance_id", "99000014"}
        }) {
      String page =
          "SELECT killmail_id FROM "
              + t[0]
              + " WHERE "
              + t[1]
              + " = ? ORDER BY killmail_time DESC, killmail_id DESC LIMIT 25";
      assertUsesGeneric(
          page,
          List.of("int"),
          List.of(t[2]),
          "Index Only Scan Backward using " + t[0] + "_pkey",
          t[0]);
      assertUsesGeneric(
          "SELECT count(*) FROM " + t[0] + " WHERE " + t[1] + " = ?",
          List.of("int"),
          List.of(t[2]),
          "Index Only Scan using " + t[0] + "_pkey",
          t[0]);
    }
    // The involvement table holds exactly the killmails where the character is victim or attacker.
    assertThat(
            longValue(c, "SELECT count(*) FROM character_killmails WHERE character_id = 90000014"))
        .isEqualTo(
            longValue(
                c,
                "SELECT count(*) FROM killmails k WHERE EXISTS (SELECT 1 FROM victims v"
                    + " WHERE v.killmail_id = k.killmail_id AND v.character_id = 90000014) OR EXISTS (SELECT 1 FROM"
                    + " attackers a WHERE a.killmail_id = k.killmail_id AND a.character_id = 90000014)"))
        .isPositive();
    assertThat(
            longValue(
                c, "SELECT count(*) FROM corporation_killmails WHERE corporation_id = 98000014"))
        .isEqualTo(
            longValue(
                c,
                "SELECT count(*) FROM killmails k WHERE EXISTS (SELECT 1 FROM victims v"
                    + " WHERE v.killmail_id = k.killmail_id AND v.corporation_id = 98000014) OR EXISTS (SELECT 1 FROM"
                    + " attackers a WHERE a.killmail_id = k.killmail_id AND a.corporation_id = 98000014)"));
  }

  @Test
  void aPageFetchesItsChildrenByPrimaryKey() throws SQLException {
    String ids =
        "ARRAY(SELECT killmail_id FROM killmails ORDER BY killmail_time DESC, killmail_id DESC LIMIT 25)";
    assertUsesGeneric(
        "SELECT * FROM killmails WHERE killmail_id = ?",
        List.of("int"),
        List.of("42"),
        "Index Scan using killmails_pkey",
        "killmails");
    assertUses(
        "SELECT * FROM victims WHERE killmail_id = ANY (" + ids + ")", "victims_pkey", "victims");
    assertUses(
        "SELECT * FROM attackers WHERE killmail_id = ANY ("
            + ids
            + ") ORDER BY killmail_id, attacker_no",
        "attackers_pkey",
        "attackers");
    assertUses(
        "SELECT * FROM killmail_items WHERE killmail_id = ANY ("
            + ids
            + ") ORDER BY killmail_id, item_no",
        "killmail_items_pkey",
        "killmail_items");
  }

  @Test
  void nameSearchUsesTheTrigramIndex() throws SQLException {
    String name = rows(c, "SELECT name FROM characters WHERE id = 90001234").get(0);
    String fragment = name.substring(2, 7).toLowerCase();
    String search =
        "SELECT id, name FROM characters WHERE name ILIKE '%"
            + fragment
            + "%' ORDER BY name, id LIMIT 25";
    assertUses(search, "Bitmap Index Scan on characters_name_trgm_idx", "characters");
    assertThat(rows(c, search)).contains("90001234|" + name);
  }

  @Test
  void partialAllianceIndexesServeGenericPlans() throws SQLException {
    // alliance_id = $1 implies alliance_id IS NOT NULL, so the partial indexes are usable without
    // knowing $1.
    assertUsesGeneric(
        "SELECT id, name FROM characters WHERE alliance_id = ? ORDER BY name, id LIMIT 25",
        List.of("int"),
        List.of("99000003"),
        "characters_alliance_idx",
        "characters");
    assertUsesGeneric(
        "SELECT id, name FROM characters WHERE corporation_id = ? ORDER BY name, id LIMIT 25",
        List.of("int"),
        List.of("98000003"),
        "characters_corporation_idx",
        "characters");
  }

  @Test
  void snapshotMetricsReadTheLatestSnapshotOnOrBeforeADay() throws SQLException {
    assertUsesGeneric(
        "SELECT member_count FROM alliance_snapshots WHERE alliance_id = ? AND snapshot_date <= ?::date"
            + " ORDER BY snapshot_date DESC LIMIT 1",
        List.of("int", "date"),
        List.of("99000003", "current_date - 7"),
        "Index Scan Backward using alliance_snapshots_pkey",
        "alliance_snapshots");
    assertUsesGeneric(
        "SELECT snapshot_date, member_count FROM corporation_snapshots WHERE corporation_id = ?"
            + " AND snapshot_date >= ?::date ORDER BY snapshot_date",
        List.of("int", "date"),
        List.of("98000003", "current_date - 30"),
        "corporation_snapshots_pkey",
        "corporation_snapshots");
  }

  /**
   * EXPLAINs {@code sql} with literals and asserts the plan contains {@code expected} and no Seq
   * Scan on {@code table}.
   */
  private static void assertUses(String sql, String expected, String table) throws SQLException {
    List<String> plan = explain("EXPLAIN (COSTS OFF) " + sql);
    assertPlan(sql, plan, expected, table);
  }

  /**
   * The same for the statement prepared with parameters and planned generically (plan_cache_mode =
   * force_generic_plan).
   */
  private static void assertUsesGeneric(
      String sql, List<String> types, List<String> args, String expected, String table)
      throws SQLException {
    String numbered = sql;
    int n = 1;
    while (numbered.contains("?")) {
      numbered = numbered.replaceFirst("\\?", "\\$" + n++);
    }
    try (Statement st = c.createStatement()) {
      st.execute("DEALLOCATE ALL");
      st.execute("PREPARE plan_probe (" + String.join(", ", types) + ") AS " + numbered);
      st.execute("SET plan_cache_mode = force_generic_plan");
      try {
        List<String> plan =
            explain("EXPLAIN (COSTS OFF) EXECUTE plan_probe (" + String.join(", ", args) + ")");
        assertPlan(numbered + " [generic]", plan, expected, table);
      } finally {
        st.execute("RESET plan_cache_mode");
        st.execute("DEALLOCATE plan_probe");
      }
    }
    String literal = sql;
    for (String arg : args) {
      literal = literal.replaceFirst("\\?", Matcher.quoteReplacement("(" + arg + ")"));
    }
    assertUses(literal, expected, table);
  }

  private static void assertPlan(String sql, List<String> plan, String expected, String table) {
    String text = String.join("\n", plan);
    // An index-only scan of the same index is as good as (better than) an index scan.
    Pattern wanted =
        Pattern.compile(
            Pattern.quote(expected).replace("Index Scan", "\\E(Index Scan|Index Only Scan)\\Q"));
    assertThat(wanted.matcher(text).find())
        .as("plan of %s contains %s:%n%s", sql, expected, text)
        .isTrue();
    Pattern seqScan = Pattern.compile("Seq Scan on " + table + "(\\s|$)");
    assertThat(plan)
        .as("plan of %s:%n%s", sql, text)
        .noneMatch(line -> seqScan.matcher(line).find());
  }

  /**
   * Rows the scan of {@code table} produced plus the rows it read and filtered out, from EXPLAIN
   * ANALYZE.
   */
  private static long rowsVisited(String sql, String table) throws SQLException {
    List<String> plan = explain("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql);
    Pattern scan = Pattern.compile("Scan.* on " + table + "(\\s|$).*actual rows=(\\d+)");
    Pattern removed = Pattern.compile("Rows Removed by (Filter|Index Recheck): (\\d+)");
    long visited = 0;
    boolean inScan = false;
    for (String line : plan) {
      Matcher m = scan.matcher(line);
      if (m.find()) {
        visited += Long.parseLong(m.group(2));
        inScan = true;
        continue;
      }
      if (line.contains("->")) {
        inScan = false;
      }
      Matcher r = removed.matcher(line);
      if (inScan && r.find()) {
        visited += Long.parseLong(r.group(2));
      }
    }
    assertThat(visited).as("a scan of %s in %s", table, plan).isPositive();
    return visited;
  }

  private static void update(String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static List<String> explain(String sql) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return lines;
  }
}
