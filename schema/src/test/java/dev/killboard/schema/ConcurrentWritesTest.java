package dev.killboard.schema;

import static dev.killboard.schema.Sql.longValue;
import static dev.killboard.schema.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several writers committing at once, the way worker instances do: the derived tables (involvement,
 * killmail counters, alliance member counts) stay exact and the writers never deadlock each other.
 */
class ConcurrentWritesTest {

  private static final int WRITERS = 4;
  private static FreshDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = FreshDatabase.migrated();
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void concurrentIngestOfOneBigFightStaysExactAndDeadlockFree() throws Exception {
    // Two alliances fighting: every killmail has a victim of one side and attackers of both sides'
    // corporations, so concurrent batches touch the same involvement and counter keys in every
    // possible order. Writers 0/1 and 2/3 receive the same killmails (duplicate deliveries from two
    // feeds).
    int batches = 40;
    int perBatch = 10;
    List<Callable<Integer>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int feed = w / 2;
      long seed = 1000 + w;
      writers.add(
          () -> {
            Random random = new Random(seed);
            int stored = 0;
            try (Connection c = db.connect()) {
              c.setAutoCommit(false);
              for (int b = 0; b < batches; b++) {
                int first = 1 + (feed * batches + b) * perBatch;
                stored += ingestBatch(c, first, perBatch, random);
                c.commit();
              }
            }
            return stored;
          });
    }
    List<Integer> stored = runTogether(writers);

    long expected = (long) 2 * batches * perBatch;
    assertThat(stored.stream().mapToInt(Integer::intValue).sum())
        .as("killmails stored once each")
        .isEqualTo((int) expected);
    try (Connection c = db.connect()) {
      assertThat(longValue(c, "SELECT count(*) FROM killmails")).isEqualTo(expected);
      assertThat(longValue(c, "SELECT killmail_count_total()")).isEqualTo(expected);
      assertThat(
              rows(
                  c,
                  "SELECT solar_system_id, killmail_count_for_system(solar_system_id) FROM killmails"
                      + " GROUP BY 1 ORDER BY 1"))
          .isEqualTo(
              rows(c, "SELECT solar_system_id, count(*) FROM killmails GROUP BY 1 ORDER BY 1"));
      for (String[] t :
          new String[][] {
            {"character_killmails", "character_id"},
            {"corporation_killmails", "corporation_id"},
            {"alliance_killmails", "alliance_id"}
          }) {
        String recomputed =
            "SELECT id, killmail_id, bool_or(victim), bool_or(NOT victim) FROM ("
                + " SELECT "
                + t[1]
                + " AS id, killmail_id, true AS victim FROM victims WHERE "
                + t[1]
                + " IS NOT NULL"
                + " UNION ALL SELECT "
                + t[1]
                + ", killmail_id, false FROM attackers WHERE "
                + t[1]
                + " IS NOT NULL) x"
                + " GROUP BY 1, 2 ORDER BY 1, 2";
        assertThat(
                rows(
                    c,
                    "SELECT "
                        + t[1]
                        + ", killmail_id, is_victim, is_attacker FROM "
                        + t[0]
                        + " ORDER BY 1, 2"))
            .as(t[0])
            .isEqualTo(rows(c, recomputed));
      }
    }
  }

  @Test
  void concurrentCorporationMovesKeepAllianceCountsExact() throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO alliances (id, name, ticker, date_founded, creator_corporation_id, creator_id)"
              + " SELECT 99100000 + a, 'Mover ' || a, 'MV' || a, now(), 1, 1 FROM generate_series(1, 5) a");
    }
    List<Callable<Integer>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int owner = w;
      writers.add(
          () -> {
            Random random = new Random(owner);
            try (Connection c = db.connect()) {
              c.setAutoCommit(false);
              for (int round = 0; round < 60; round++) {
                // Each writer owns 10 corporations and moves 5 of them per transaction, in random
                // order,
                // between the same five alliances (or out of any alliance).
                StringJoiner values = new StringJoiner(", ");
                for (int i = 0; i < 5; i++) {
                  int corp = 98100000 + owner * 10 + random.nextInt(10);
                  int alliance = random.nextInt(6);
                  values.add(
                      "("
                          + corp
                          + ", 'Corp "
                          + corp
                          + "', 'C', "
                          + (1 + random.nextInt(300))
                          + ", 1, 1, "
                          + (alliance == 0 ? "NULL" : String.valueOf(99100000 + alliance))
                          + ")");
                }
                try (Statement st = c.createStatement()) {
                  st.execute(
                      "INSERT INTO corporations (id, name, ticker, member_count, ceo_id, creator_id, alliance_id)"
                          + " SELECT DISTINCT ON (id) * FROM (VALUES "
                          + values
                          + ") v (id, name, ticker, member_count,"
                          + " ceo_id, creator_id, alliance_id) ORDER BY id"
                          + " ON CONFLICT (id) DO UPDATE SET member_count = EXCLUDED.member_count,"
                          + " alliance_id = EXCLUDED.alliance_id");
                }
                c.commit();
              }
            }
            return 1;
          });
    }
    runTogether(writers);
    try (Connection c = db.connect()) {
      List<String> live =
          rows(
              c,
              "SELECT alliance_id, member_count, corporation_count FROM alliance_member_counts"
                  + " WHERE alliance_id BETWEEN 99100001 AND 99100005 ORDER BY 1");
      List<String> recomputed =
          rows(
              c,
              "SELECT a.id, coalesce(sum(c.member_count), 0), count(c.id)"
                  + " FROM alliances a LEFT JOIN corporations c ON c.alliance_id = a.id"
                  + " WHERE a.id BETWEEN 99100001 AND 99100005 GROUP BY a.id ORDER BY 1");
      assertThat(live).hasSize(5).isEqualTo(recomputed);
      assertThat(longValue(c, "SELECT refresh_alliance_member_counts()"))
          .as("nothing to repair")
          .isZero();
    }
  }

  /**
   * The writer pattern from docs/schema.md: killmails first (sorted, duplicates skipped), then only
   * their children.
   */
  private static int ingestBatch(Connection c, int first, int count, Random random)
      throws SQLException {
    StringJoiner kms = new StringJoiner(", ");
    for (int id = first; id < first + count; id++) {
      kms.add(
          "("
              + id
              + ", '"
              + Sql.hash(id)
              + "', timestamptz '2025-07-01' + "
              + id
              + " * interval '1 minute', "
              + (30002187 + id % 3)
              + ")");
    }
    List<Integer> inserted = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id)"
                    + " SELECT * FROM (VALUES "
                    + kms
                    + ") v ORDER BY 1 ON CONFLICT (killmail_id) DO NOTHING RETURNING killmail_id")) {
      while (rs.next()) {
        inserted.add(rs.getInt(1));
      }
    }
    if (inserted.isEmpty()) {
      return 0;
    }
    StringJoiner victims = new StringJoiner(", ");
    StringJoiner attackers = new StringJoiner(", ");
    for (int id : inserted) {
      int side = id % 2;
      victims.add(
          "("
              + id
              + ", "
              + character(side, id % 7)
              + ", "
              + corporation(side, id % 3)
              + ", "
              + alliance(side)
              + ", 587, 500)");
      int n = 2 + random.nextInt(6);
      for (int a = 0; a < n; a++) {
        int attackerSide = a == n - 1 ? side : 1 - side; // one friendly-fire attacker per mail
        attackers.add(
            "("
                + id
                + ", "
                + a
                + ", "
                + character(attackerSide, random.nextInt(7))
                + ", "
                + corporation(attackerSide, random.nextInt(3))
                + ", "
                + alliance(attackerSide)
                + ", 100, "
                + (a == 0)
                + ")");
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO victims (killmail_id, character_id, corporation_id, alliance_id, ship_type_id, damage_taken)"
              + " VALUES "
              + victims);
      st.execute(
          "INSERT INTO attackers (killmail_id, attacker_no, character_id, corporation_id, alliance_id, damage_done,"
              + " final_blow) SELECT DISTINCT ON (k, n) * FROM (VALUES "
              + attackers
              + ") v (k, n, ch, co, al, d, f)"
              + " ORDER BY k, n");
    }
    return inserted.size();
  }

  private static int character(int side, int i) {
    return 91000000 + side * 100 + i;
  }

  private static int corporation(int side, int i) {
    return 98200000 + side * 100 + i;
  }

  private static int alliance(int side) {
    return 99200000 + side;
  }

  /**
   * Starts all tasks at the same instant and returns their results; any exception (a deadlock, say)
   * fails the test.
   */
  private static <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return task.call();
                }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(180, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
