package dev.killboard.schema;

import static dev.killboard.schema.Sql.killmail;
import static dev.killboard.schema.Sql.longValue;
import static dev.killboard.schema.Sql.rows;
import static dev.killboard.schema.Sql.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A solar system and its constellation written by two transactions open at the same time, in both
 * orders: the system's region_id (and its killmails') ends up the constellation's region whichever
 * commits first.
 */
class RegionDerivationRaceTest {

  private static final int REGION = 10000002;
  private static FreshDatabase db;

  @BeforeAll
  static void createDatabase() throws SQLException {
    db = FreshDatabase.migrated();
    try (Connection c = db.connect()) {
      update(c, "INSERT INTO regions (id, name) VALUES (?, 'The Forge')", REGION);
    }
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void systemFirstThenConstellation() throws Exception {
    race(20000101, 30000101, 501, true);
  }

  @Test
  void constellationFirstThenSystem() throws Exception {
    race(20000102, 30000102, 502, false);
  }

  @Test
  void upsertsOfAnExistingSystemRaceTheSameWay() throws Exception {
    // A system stored before its constellation id was known, then re-upserted (as the systems
    // worker does) while
    // the constellation arrives.
    try (Connection c = db.connect()) {
      update(c, "INSERT INTO solar_systems (id, name) VALUES (30000103, 'Perimeter')");
    }
    race(20000103, 30000103, 503, true);
  }

  /**
   * Opens a transaction writing the system (or the constellation) and, while it is uncommitted, a
   * second one writing the other row; commits the first once the second has run its insert or is
   * waiting for a lock, then the second.
   */
  private static void race(int constellation, int system, int killmailId, boolean systemFirst)
      throws Exception {
    try (Connection c = db.connect()) {
      // A killmail stored before either row: it has no region until both are in.
      killmail(c, killmailId, Instant.parse("2025-07-01T00:00:00Z"), system);
    }
    String writeSystem =
        "INSERT INTO solar_systems (id, name, constellation_id, security_status) VALUES ("
            + system
            + ", 'Sys "
            + system
            + "', "
            + constellation
            + ", 0.9) ON CONFLICT (id) DO UPDATE SET"
            + " constellation_id = EXCLUDED.constellation_id, security_status = EXCLUDED.security_status";
    String writeConstellation =
        "INSERT INTO constellations (id, name, region_id) VALUES ("
            + constellation
            + ", 'Con "
            + constellation
            + "', "
            + REGION
            + ")";
    ExecutorService second = Executors.newSingleThreadExecutor();
    try (Connection first = db.connect();
        Connection other = db.connect()) {
      first.setAutoCommit(false);
      other.setAutoCommit(false);
      long otherPid = longValue(other, "SELECT pg_backend_pid()");
      update(first, systemFirst ? writeSystem : writeConstellation);
      Future<Integer> otherWrite =
          second.submit(() -> update(other, systemFirst ? writeConstellation : writeSystem));
      awaitDoneOrWaitingForLock(otherWrite, otherPid);
      first.commit();
      otherWrite.get(30, TimeUnit.SECONDS);
      other.commit();
    } finally {
      second.shutdownNow();
    }
    try (Connection c = db.connect()) {
      assertThat(
              rows(c, "SELECT region_id, constellation_id FROM solar_systems WHERE id = ?", system))
          .containsExactly(REGION + "|" + constellation);
      assertThat(
              rows(
                  c,
                  "SELECT region_id, constellation_id FROM killmails WHERE killmail_id = ?",
                  killmailId))
          .containsExactly(REGION + "|" + constellation);
      assertThat(longValue(c, "SELECT killmail_count_for_region(?)", REGION))
          .isEqualTo(longValue(c, "SELECT count(*) FROM killmails WHERE region_id = ?", REGION));
    }
  }

  /**
   * Polls (nothing to await across connections) until the task finished or its backend waits on a
   * lock.
   */
  private static void awaitDoneOrWaitingForLock(Future<?> task, long pid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Connection watcher = db.connect()) {
      while (!task.isDone()) {
        if (longValue(
                watcher,
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'",
                (int) pid)
            > 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the second writer neither finished nor waited for a lock");
        }
        Thread.onSpinWait();
      }
    }
  }
}
