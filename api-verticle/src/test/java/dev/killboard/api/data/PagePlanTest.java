package dev.killboard.api.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.limits.PageRequest;
import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.Seed;
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
 * The killmail page statements on a table large enough for the planner to care (60,000 extra killmails, inserted in a
 * transaction that is rolled back): a deep page reads ids from an index and joins only one page of rows, with custom
 * and generic plans; no sequential scan of killmails and no sort of more than one page.
 */
class PagePlanTest {
  private static final int EXTRA = 60_000;
  private static Connection c;

  @BeforeAll
  static void fill() throws Exception {
    c = ApiHarness.get().appConnection();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id)"
          + " SELECT 500000000 + g, md5(g::text) || substr(md5(g::text), 1, 8),"
          + " timestamptz '2020-01-01 00:00:00+00' + g * interval '1 minute', " + Seed.SYSTEMS.get(0).id()
          + " FROM generate_series(1, " + EXTRA + ") g");
      st.execute("ANALYZE killmails");
    }
  }

  @AfterAll
  static void rollBack() throws Exception {
    c.rollback();
    c.close();
  }

  @Test
  void deepUnfilteredPagesReadIdsFromTheTimeIndex() throws Exception {
    for (String dir : List.of("DESC", "ASC")) {
      ListQuery<?> q = new KillmailRepository(null).list(dir);
      PageRequest deep = PageRequest.ofPage(2_000, 25, 25, 100);
      for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
        JsonObject plan = explainPrepared(q.pageStatement(deep), deep.offset(), mode);
        assertBounded(plan, 26);
        assertThat(plan.encode()).contains("killmails_time_idx");
      }
    }
  }

  @Test
  void regionAndSystemPagesArePlannedForTheirValueAndBounded() throws Exception {
    int system = Seed.SYSTEMS.get(0).id();
    ListQuery<?> bySystem = new KillmailRepository(null).list("DESC").where("k.solar_system_id = ?", system).customPlan();
    PageRequest deep = PageRequest.ofPage(1_000, 25, 25, 100);
    String sql = bySystem.pageStatement(deep);
    assertThat(sql).doesNotContain("$").contains("k.solar_system_id = " + system);
    assertBounded(explain(sql), 26);
  }

  private static JsonObject explainPrepared(String sql, long offset, String mode) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL plan_cache_mode = " + mode);
      st.execute("DEALLOCATE ALL");
      st.execute("PREPARE page_plan(bigint) AS " + sql);
      try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page_plan(" + offset + ")")) {
        rs.next();
        return new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan");
      }
    }
  }

  private static JsonObject explain(String sql) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
      rs.next();
      return new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan");
    }
  }

  /**
   * No sequential scan of killmails; every sort and the row fetch by primary key handle at most one page (the id
   * scan itself skips the offset's index entries: O(offset), as docs/schema.md says of page numbers).
   */
  private static void assertBounded(JsonObject plan, int pageRows) {
    List<JsonObject> nodes = new ArrayList<>();
    collect(plan, nodes);
    for (JsonObject n : nodes) {
      String type = n.getString("Node Type");
      String relation = n.getString("Relation Name");
      assertThat(type.equals("Seq Scan") && "killmails".equals(relation)).as("sequential scan of killmails in %s", plan).isFalse();
      if (type.equals("Sort")) {
        assertThat(n.getLong("Actual Rows")).as("rows sorted in %s", plan).isLessThanOrEqualTo(pageRows);
      }
      if (type.equals("Index Scan") && "killmails_pkey".equals(n.getString("Index Name"))) {
        // The page's rows are fetched by primary key: once per id of the page, never per skipped row.
        assertThat(n.getLong("Actual Loops") * n.getLong("Actual Rows")).as("rows fetched in %s", plan).isLessThanOrEqualTo(pageRows);
      }
    }
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
