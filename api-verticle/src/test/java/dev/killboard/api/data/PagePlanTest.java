package dev.killboard.api.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.data.KillmailRepository.Involvement;
import dev.killboard.api.data.KillmailRepository.InvolvementFilter;
import dev.killboard.api.data.KillmailRepository.KillmailFilter;
import dev.killboard.api.data.KillmailRepository.KillmailOrder;
import dev.killboard.api.limits.PageRequest;
import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.Seed;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The killmail page statements on a table large enough for the planner to care (60,000 extra
 * killmails, inserted in a transaction that is rolled back): a deep page reads ids from an index
 * and joins only one page of rows, with custom and generic plans; no sequential scan of killmails
 * and no sort of more than one page. The unfiltered list is positioned through the per-hour totals:
 * it skips only within one hour.
 */
@ClusterTest
class PagePlanTest {
  private static final int EXTRA = 60_000;

  /** The repository's list queries; nothing here runs them through its pool. */
  private static final KillmailRepository REPO = new KillmailRepository(null, null);

  private static final PagePlanner PLANNER = new PagePlanner(null, 1_000);

  /** Places every page through the per-day totals, however shallow. */
  private static final PagePlanner EVERY_PAGE_POSITIONED = new PagePlanner(null, 1_000, 0);

  private static Connection c;

  @BeforeAll
  static void fill() throws Exception {
    c = ApiHarness.get().appConnection();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id)"
              + " SELECT 500000000 + g, md5(g::text) || substr(md5(g::text), 1, 8),"
              + " timestamptz '2020-01-01 00:00:00+00' + g * interval '1 minute', "
              + Seed.SYSTEMS.get(0).id()
              + " FROM generate_series(1, "
              + EXTRA
              + ") g");
      // Every third one has a victim of the seeded alliance: an entity list with a history of its
      // own.
      st.execute(
          "INSERT INTO victims (killmail_id, character_id, corporation_id, alliance_id, ship_type_id, damage_taken)"
              + " SELECT 500000000 + g, "
              + Seed.CHARACTERS.get(0).id()
              + ", "
              + Seed.CORPORATIONS.get(0).id()
              + ", "
              + Seed.ALLIANCES.get(0).id()
              + ", 587, 100 FROM generate_series(3, "
              + EXTRA
              + ", 3) g");
      st.execute(
          "ANALYZE killmails, victims, character_killmails, corporation_killmails, alliance_killmails");
    }
  }

  @AfterAll
  static void rollBack() throws Exception {
    c.rollback();
    c.close();
  }

  @Test
  void deepUnfilteredPagesSkipOnlyWithinOneHour() throws Exception {
    // The extra killmails are one a minute: 60 an hour. However deep the page, the time index is
    // read from the hour that holds the position: at most that hour's killmails plus one page,
    // never the offset's entries.
    for (boolean newestFirst : List.of(true, false)) {
      for (long offset : List.of(25L * 2_000, 25L * 20, 0L)) {
        for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
          JsonObject plan =
              explainPrepared(KillmailRepository.positionedPageSql(newestFirst, 26), offset, mode);
          // The position (CTE s) sorts day and hour totals: rows per day and hour, not per
          // killmail.
          JsonObject position = withoutSubplan(plan, "CTE s");
          List<JsonObject> positionNodes = new ArrayList<>();
          collect(position, positionNodes);
          for (JsonObject n : positionNodes) {
            if (n.getString("Node Type").equals("Sort")) {
              assertThat(n.getLong("Actual Rows"))
                  .as("day or hour totals sorted in %s", position)
                  .isLessThanOrEqualTo(24 + 100);
            }
          }
          assertBounded(plan, 26);
          List<JsonObject> nodes = new ArrayList<>();
          collect(plan, nodes);
          JsonObject timeScan =
              nodes.stream()
                  .filter(n -> "killmails_time_idx".equals(n.getString("Index Name")))
                  .findFirst()
                  .orElseThrow(
                      () -> new AssertionError("no scan of killmails_time_idx in " + plan));
          assertThat(timeScan.getLong("Actual Rows"))
              .as("time index entries read at offset %d in %s", offset, plan)
              .isLessThanOrEqualTo(60 + 26);
        }
      }
    }
  }

  @Test
  void positionedPagesHoldWhatOffsetWould() throws Exception {
    long total;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM killmails")) {
      rs.next();
      total = rs.getLong(1);
    }
    for (boolean newestFirst : List.of(true, false)) {
      String dir = newestFirst ? "DESC" : "ASC";
      for (long offset : List.of(0L, 1L, 59L, 60L, 25L * 1_234, total - 26, total - 1, total)) {
        List<Integer> positioned = new ArrayList<>();
        long counted = -1;
        // JDBC numbers its parameters by position: the statement's two uses of $1 become two.
        try (var ps =
            c.prepareStatement(
                KillmailRepository.positionedPageSql(newestFirst, 26).replace("$1", "?"))) {
          ps.setLong(1, offset);
          ps.setLong(2, offset);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              counted = rs.getLong("total");
              int id = rs.getInt("killmail_id");
              if (!rs.wasNull()) {
                positioned.add(id);
              }
            }
          }
        }
        List<Integer> expected = new ArrayList<>();
        try (Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT killmail_id FROM killmails ORDER BY"
                        + " killmail_time "
                        + dir
                        + ", killmail_id "
                        + dir
                        + " LIMIT 26 OFFSET "
                        + offset)) {
          while (rs.next()) {
            expected.add(rs.getInt(1));
          }
        }
        assertThat(positioned).as("%s offset %d", dir, offset).isEqualTo(expected);
        assertThat(counted).as("total in the same statement").isEqualTo(total);
      }
    }
  }

  @Test
  void deepSystemPagesReadIdsFromTheirIndex() throws Exception {
    for (String dir : List.of("DESC", "ASC")) {
      // Prepared (a generic plan possible), not the API's custom plan: the id scan must be bounded
      // either way.
      ListQuery<?> q =
          KillmailRepository.timeOrdered(dir.equals("DESC"))
              .where("k.solar_system_id = ?", Seed.SYSTEMS.get(0).id());
      PageRequest deep = PageRequest.ofPage(2_000, 25, 25, 100);
      for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
        JsonObject plan =
            explainPrepared(
                PLANNER.pageStatement(q, deep), deep.offset(), mode, Seed.SYSTEMS.get(0).id());
        assertBounded(plan, 26);
      }
    }
  }

  @Test
  void regionAndSystemPagesArePlannedForTheirValueAndBounded() throws Exception {
    int system = Seed.SYSTEMS.get(0).id();
    // Skipping the offset's index entries (the API places pages this deep through the day totals:
    // tested below).
    ListQuery<?> bySystem =
        KillmailRepository.timeOrdered(true).where("k.solar_system_id = ?", system).customPlan();
    PageRequest deep = PageRequest.ofPage(1_000, 25, 25, 100);
    String sql = PLANNER.pageStatement(bySystem, deep);
    assertThat(sql).doesNotContain("$").contains("k.solar_system_id = " + system);
    assertBounded(explain(sql), 26);
  }

  @Test
  void deepFilteredPagesHoldWhatOffsetWouldAndSkipOnlyWithinOneDay() throws Exception {
    int system = Seed.SYSTEMS.get(0).id();
    int alliance = Seed.ALLIANCES.get(0).id();
    for (boolean newestFirst : List.of(true, false)) {
      String dir = newestFirst ? "DESC" : "ASC";
      // The system's list: custom plans, values inlined.
      KillmailOrder order = newestFirst ? KillmailOrder.TIME_DESC : KillmailOrder.TIME_ASC;
      ListQuery<?> bySystem = REPO.placeQuery(new KillmailFilter(null, system, null, order));
      long systemTotal = count("SELECT count(*) FROM killmails WHERE solar_system_id = " + system);
      for (long offset :
          List.of(
              0L,
              1L,
              1_439L,
              1_440L,
              25L * 1_234,
              systemTotal - 26,
              systemTotal - 1,
              systemTotal)) {
        PageRequest page = new PageRequest(1, 25, offset);
        assertThat(ids(EVERY_PAGE_POSITIONED.pageStatement(bySystem, page)))
            .as("system %s offset %d", dir, offset)
            .isEqualTo(
                ids(
                    "SELECT killmail_id FROM killmails WHERE solar_system_id = "
                        + system
                        + " ORDER BY killmail_time "
                        + dir
                        + ", killmail_id "
                        + dir
                        + " LIMIT 26 OFFSET "
                        + offset));
      }
      // Both filters: the system's days place the page; a region the system is not in gives nothing
      // at any depth.
      int region = (int) count("SELECT region_id FROM solar_systems WHERE id = " + system);
      assertThat(
              count(
                  "SELECT count(*) FROM killmails WHERE solar_system_id = "
                      + system
                      + " AND region_id = "
                      + region))
          .isEqualTo(systemTotal);
      for (int r : List.of(region, region + 1)) {
        ListQuery<?> both = REPO.placeQuery(new KillmailFilter(null, system, r, order));
        for (long offset : List.of(0L, 25L * 1_234, systemTotal - 1)) {
          assertThat(ids(EVERY_PAGE_POSITIONED.pageStatement(both, new PageRequest(1, 25, offset))))
              .as("system and region %d, offset %d", r, offset)
              .isEqualTo(
                  ids(
                      "SELECT killmail_id FROM killmails WHERE solar_system_id = "
                          + system
                          + " AND region_id = "
                          + r
                          + " ORDER BY killmail_time "
                          + dir
                          + ", killmail_id "
                          + dir
                          + " LIMIT 26 OFFSET "
                          + offset));
        }
      }
      JsonObject plan =
          explain(EVERY_PAGE_POSITIONED.pageStatement(bySystem, new PageRequest(1, 25, 50_000)));
      // The position (CTE s) sorts the system's day totals (44 days): rows per day, not per
      // killmail.
      List<JsonObject> positionNodes = new ArrayList<>();
      collect(withoutSubplan(plan, "CTE s"), positionNodes);
      assertThat(positionNodes)
          .filteredOn(n -> n.getString("Node Type").equals("Sort"))
          .allSatisfy(n -> assertThat(n.getLong("Actual Rows")).isLessThanOrEqualTo(60));
      assertBounded(plan, 26);
      // One killmail a minute: 1,440 a day. Whichever index the planner picks, it is read from the
      // day that holds
      // the position on, not from the newest or oldest killmail.
      assertThat(
              indexRowsRead(plan, "killmails_system_time_idx")
                  + indexRowsRead(plan, "killmails_time_idx"))
          .as("index entries read in %s", plan)
          .isLessThanOrEqualTo(1_440 + 26);
    }
    // The alliance's list: prepared, as the API runs it ($1 the alliance, $2 the offset, $3 the
    // scope id).
    ListQuery<?> byAlliance =
        REPO.involvementQuery(new InvolvementFilter(Involvement.ALLIANCE, alliance));
    long allianceTotal =
        count("SELECT count(*) FROM alliance_killmails WHERE alliance_id = " + alliance);
    for (long offset : List.of(0L, 479L, 480L, 25L * 321, allianceTotal - 1, allianceTotal)) {
      String sql = EVERY_PAGE_POSITIONED.pageStatement(byAlliance, new PageRequest(1, 25, offset));
      List<Integer> positioned = new ArrayList<>();
      try (Statement st = c.createStatement()) {
        st.execute("DEALLOCATE ALL");
        st.execute("PREPARE alliance_page(int, bigint, int) AS " + sql);
        try (ResultSet rs =
            st.executeQuery(
                "EXECUTE alliance_page(" + alliance + ", " + offset + ", " + alliance + ")")) {
          while (rs.next()) {
            positioned.add(rs.getInt("killmail_id"));
          }
        }
      }
      assertThat(positioned)
          .as("alliance offset %d", offset)
          .isEqualTo(
              ids(
                  "SELECT killmail_id FROM alliance_killmails WHERE alliance_id = "
                      + alliance
                      + " ORDER BY killmail_time DESC, killmail_id DESC LIMIT 26 OFFSET "
                      + offset));
    }
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT killmail_scope_total('alliance', " + alliance + ")")) {
      rs.next();
      assertThat(rs.getLong(1)).as("exact total from the day totals").isEqualTo(allianceTotal);
    }
  }

  @Test
  void shallowFilteredPagesSkipEntriesWithoutTheDayTotals() {
    ListQuery<?> q = REPO.placeQuery(new KillmailFilter(null, 1, null, KillmailOrder.TIME_DESC));
    assertThat(
            PLANNER.pageStatement(
                q, new PageRequest(1, 25, PagePlanner.POSITIONED_FROM_OFFSET - 1)))
        .doesNotContain("killmail_scope_page_start");
    assertThat(PLANNER.pageStatement(q, new PageRequest(1, 25, PagePlanner.POSITIONED_FROM_OFFSET)))
        .contains("killmail_scope_page_start");
  }

  private static long count(String sql) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<Integer> ids(String sql) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getInt("killmail_id"));
      }
    }
    return out;
  }

  private static long indexRowsRead(JsonObject plan, String index) {
    List<JsonObject> nodes = new ArrayList<>();
    collect(plan, nodes);
    return nodes.stream()
        .filter(n -> index.equals(n.getString("Index Name")))
        .mapToLong(n -> n.getLong("Actual Rows") * n.getLong("Actual Loops"))
        .sum();
  }

  private static JsonObject explainPrepared(String sql, long offset, String mode) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL plan_cache_mode = " + mode);
      st.execute("DEALLOCATE ALL");
      st.execute("PREPARE page_plan(bigint) AS " + sql);
      try (ResultSet rs =
          st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page_plan(" + offset + ")")) {
        rs.next();
        return new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan");
      }
    }
  }

  /** As above for a statement whose $1 is an integer filter value and $2 the offset. */
  private static JsonObject explainPrepared(String sql, long offset, String mode, int filterValue)
      throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL plan_cache_mode = " + mode);
      st.execute("DEALLOCATE ALL");
      st.execute("PREPARE page_plan(int, bigint) AS " + sql);
      try (ResultSet rs =
          st.executeQuery(
              "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page_plan("
                  + filterValue
                  + ", "
                  + offset
                  + ")")) {
        rs.next();
        return new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan");
      }
    }
  }

  private static JsonObject explain(String sql) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
      rs.next();
      return new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan");
    }
  }

  /**
   * No sequential scan of killmails; every sort and the row fetch by primary key handle at most one
   * page (the id scan itself skips the offset's index entries: O(offset), as docs/schema.md says of
   * page numbers).
   */
  private static void assertBounded(JsonObject plan, int pageRows) {
    List<JsonObject> nodes = new ArrayList<>();
    collect(plan, nodes);
    for (JsonObject n : nodes) {
      String type = n.getString("Node Type");
      String relation = n.getString("Relation Name");
      assertThat(type.equals("Seq Scan") && "killmails".equals(relation))
          .as("sequential scan of killmails in %s", plan)
          .isFalse();
      if (type.equals("Sort")) {
        assertThat(n.getLong("Actual Rows"))
            .as("rows sorted in %s", plan)
            .isLessThanOrEqualTo(pageRows);
      }
      if (type.equals("Index Scan") && "killmails_pkey".equals(n.getString("Index Name"))) {
        // The page's rows are fetched by primary key: once per id of the page, never per skipped
        // row.
        assertThat(n.getLong("Actual Loops") * n.getLong("Actual Rows"))
            .as("rows fetched in %s", plan)
            .isLessThanOrEqualTo(pageRows);
      }
    }
  }

  /**
   * Removes the subplan named {@code name} from {@code plan} (in place) and returns it. Fails when
   * there is none.
   */
  private static JsonObject withoutSubplan(JsonObject plan, String name) {
    List<JsonObject> nodes = new ArrayList<>();
    collect(plan, nodes);
    for (JsonObject n : nodes) {
      JsonArray children = n.getJsonArray("Plans");
      if (children == null) {
        continue;
      }
      for (int i = 0; i < children.size(); i++) {
        JsonObject child = children.getJsonObject(i);
        if (name.equals(child.getString("Subplan Name"))) {
          children.remove(i);
          return child;
        }
      }
    }
    throw new AssertionError("no subplan " + name + " in " + plan);
  }

  private static void collect(JsonObject node, List<JsonObject> out) {
    out.add(node);
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      for (int i = 0; i < children.size(); i++) {
        collect(children.getJsonObject(i), out);
      }
    }
  }
}
