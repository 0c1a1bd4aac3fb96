package dev.killboard.schema;

import static dev.killboard.schema.Sql.attackers;
import static dev.killboard.schema.Sql.killmail;
import static dev.killboard.schema.Sql.longValue;
import static dev.killboard.schema.Sql.rows;
import static dev.killboard.schema.Sql.update;
import static dev.killboard.schema.Sql.victim;
import static dev.killboard.schema.Sql.who;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Killmail writes and everything the triggers derive from them; each test runs in a rolled-back
 * transaction.
 */
class KillmailSchemaTest {

  private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
  private static final int JITA = 30000142;
  private static final int PERIMETER = 30000144;
  private static final int KIMOTORO = 20000020;
  private static final int THE_FORGE = 10000002;

  private static FreshDatabase db;
  private Connection c;

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

  @BeforeEach
  void begin() throws SQLException {
    c = db.connect();
    c.setAutoCommit(false);
  }

  @AfterEach
  void rollback() throws SQLException {
    c.rollback();
    c.close();
  }

  @Test
  void victimWithoutCorporationInserts() throws SQLException {
    assertThat(killmail(c, 1001, T0, JITA)).isEqualTo(1);
    victim(c, 1001, 90000001, null, null);
    attackers(c, 1001, who(90000002, 98000002, 99000002));

    assertThat(
            rows(
                c,
                "SELECT character_id, corporation_id, alliance_id FROM victims WHERE killmail_id = 1001"))
        .containsExactly("90000001|null|null");
    assertThat(
            rows(
                c,
                "SELECT corporation_id, is_victim, is_attacker FROM corporation_killmails WHERE killmail_id = 1001"))
        .as("only the attacker's corporation is involved")
        .containsExactly("98000002|f|t");
    assertThat(
            rows(
                c,
                "SELECT character_id, is_victim, is_attacker FROM character_killmails"
                    + " WHERE killmail_id = 1001 ORDER BY character_id"))
        .containsExactly("90000001|t|f", "90000002|f|t");
  }

  @Test
  void nestedItemsKeepTheirContainer() throws SQLException {
    killmail(c, 1002, T0, JITA);
    victim(c, 1002, 90000001, 98000001, null);
    // A fitted module, a cargo container with two stacks inside it, then a drone.
    update(
        c,
        "INSERT INTO killmail_items (killmail_id, item_no, parent_item_no, item_type_id, flag,"
            + " quantity_dropped, quantity_destroyed, singleton) VALUES"
            + " (1002, 0, NULL, 2048, 27, NULL, 1, 0),"
            + " (1002, 1, NULL, 3467, 5, 1, NULL, 0),"
            + " (1002, 2, 1, 34, 5, 5000000000, NULL, 0),"
            + " (1002, 3, 1, 35, 5, NULL, 20, 0),"
            + " (1002, 4, NULL, 2488, 87, NULL, 5, 0)");

    assertThat(
            rows(
                c,
                "SELECT item_type_id, quantity_dropped FROM killmail_items"
                    + " WHERE killmail_id = 1002 AND parent_item_no = 1 ORDER BY item_no"))
        .as("contents of the container")
        .containsExactly("34|5000000000", "35|null");
    assertThat(
            longValue(
                c,
                "SELECT count(*) FROM killmail_items WHERE killmail_id = 1002 AND parent_item_no IS NULL"))
        .isEqualTo(3);

    assertSqlState(
        "23503",
        () ->
            update(
                c,
                "INSERT INTO killmail_items (killmail_id, item_no, parent_item_no,"
                    + " item_type_id, flag) VALUES (1002, 9, 8, 34, 5)"));
    assertSqlState(
        "23514",
        () ->
            update(
                c,
                "INSERT INTO killmail_items (killmail_id, item_no, parent_item_no,"
                    + " item_type_id, flag) VALUES (1002, 5, 6, 34, 5), (1002, 6, NULL, 3467, 5)"));
    assertSqlState(
        "23514",
        () ->
            update(
                c,
                "INSERT INTO killmail_items (killmail_id, item_no, item_type_id, flag,"
                    + " quantity_destroyed) VALUES (1002, 7, 34, 5, -1)"));

    update(c, "DELETE FROM killmails WHERE killmail_id = 1002");
    assertThat(longValue(c, "SELECT count(*) FROM killmail_items WHERE killmail_id = 1002"))
        .isZero();
  }

  @Test
  void eachEntityIsInvolvedOncePerKillmailWhateverItsRoles() throws SQLException {
    // Self-destruct: the victim is also the only attacker.
    killmail(c, 2001, T0, JITA);
    victim(c, 2001, 90000001, 98000001, 99000001);
    attackers(c, 2001, who(90000001, 98000001, 99000001));
    // Awox with a whole corporation on the mail: three attackers of the victim's own corporation.
    killmail(c, 2002, T0.plusSeconds(60), JITA);
    victim(c, 2002, 90000005, 98000001, 99000001);
    attackers(
        c,
        2002,
        who(90000002, 98000001, 99000001),
        who(90000003, 98000001, 99000001),
        who(90000004, 98000001, 99000001),
        who(null, 1000125, null));

    assertThat(
            rows(
                c,
                "SELECT killmail_id, is_victim, is_attacker FROM character_killmails WHERE character_id = 90000001"))
        .containsExactly("2001|t|t");
    assertThat(
            rows(
                c,
                "SELECT killmail_id, is_victim, is_attacker FROM corporation_killmails"
                    + " WHERE corporation_id = 98000001 ORDER BY killmail_time DESC, killmail_id DESC"))
        .containsExactly("2002|t|t", "2001|t|t");
    assertThat(
            rows(
                c,
                "SELECT killmail_id FROM alliance_killmails WHERE alliance_id = 99000001"
                    + " ORDER BY killmail_time DESC, killmail_id DESC"))
        .containsExactly("2002", "2001");
    assertThat(
            rows(
                c,
                "SELECT killmail_id, is_victim, is_attacker FROM corporation_killmails WHERE corporation_id = 1000125"))
        .as("NPC corporation on the attackers")
        .containsExactly("2002|f|t");
    assertThat(longValue(c, "SELECT count(*) FROM character_killmails WHERE killmail_id = 2002"))
        .isEqualTo(4);

    // Deleting the killmail removes exactly its involvement rows.
    update(c, "DELETE FROM killmails WHERE killmail_id = 2002");
    assertThat(longValue(c, "SELECT count(*) FROM character_killmails WHERE killmail_id = 2002"))
        .isZero();
    assertThat(longValue(c, "SELECT count(*) FROM corporation_killmails WHERE killmail_id = 2002"))
        .isZero();
    assertThat(longValue(c, "SELECT count(*) FROM alliance_killmails WHERE killmail_id = 2002"))
        .isZero();
    assertThat(
            rows(
                c, "SELECT killmail_id FROM corporation_killmails WHERE corporation_id = 98000001"))
        .containsExactly("2001");
  }

  @Test
  void duplicateDeliveryChangesNothing() throws SQLException {
    killmail(c, 3001, T0, JITA);
    victim(c, 3001, 90000001, 98000001, null);
    attackers(c, 3001, who(90000002, 98000002, null), who(90000003, 98000002, null));
    long total = longValue(c, "SELECT killmail_count_total()");
    long involvement =
        longValue(
            c,
            "SELECT (SELECT count(*) FROM character_killmails)"
                + " + (SELECT count(*) FROM corporation_killmails) + (SELECT count(*) FROM alliance_killmails)");

    assertThat(killmail(c, 3001, T0, JITA)).as("second insert of the same killmail").isZero();
    assertThat(
            update(
                c,
                "INSERT INTO victims (killmail_id, character_id, ship_type_id, damage_taken)"
                    + " VALUES (3001, 90000001, 587, 1000) ON CONFLICT (killmail_id) DO NOTHING"))
        .isZero();
    assertThat(
            update(
                c,
                "INSERT INTO attackers (killmail_id, attacker_no, character_id, corporation_id, damage_done)"
                    + " VALUES (3001, 0, 90000002, 98000002, 100), (3001, 1, 90000003, 98000002, 200)"
                    + " ON CONFLICT (killmail_id, attacker_no) DO NOTHING"))
        .isZero();

    assertThat(longValue(c, "SELECT killmail_count_total()")).isEqualTo(total);
    assertThat(
            longValue(
                c,
                "SELECT (SELECT count(*) FROM character_killmails)"
                    + " + (SELECT count(*) FROM corporation_killmails) + (SELECT count(*) FROM alliance_killmails)"))
        .isEqualTo(involvement);
  }

  @Test
  void zkillboardValuesAndLabelsAreStored() throws SQLException {
    update(
        c,
        "INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id, moon_id, war_id,"
            + " location_id, total_value, fitted_value, destroyed_value, dropped_value, points, npc, solo, awox, labels)"
            + " VALUES (4001, ?, now(), ?, 40009087, 74189, 1000000000001, 1234567.89, 1000000.5, 800000.25,"
            + " 434567.64, 12, false, true, false, ARRAY['solo','pvp','loc:highsec'])",
        Sql.hash(4001),
        JITA);
    assertThat(
            rows(
                c,
                "SELECT total_value, fitted_value, destroyed_value, dropped_value, points, npc, solo, awox,"
                    + " labels, location_id, moon_id, war_id FROM killmails WHERE killmail_id = 4001"))
        .containsExactly(
            "1234567.89|1000000.5|800000.25|434567.64|12|f|t|f|{solo,pvp,loc:highsec}|1000000000001|40009087|74189");
    assertThat(longValue(c, "SELECT count(*) FROM killmails WHERE 'pvp' = ANY (labels)"))
        .isEqualTo(1);
  }

  @Test
  void countersStayEqualToCountStarThroughInsertsDeletesAndMoves() throws SQLException {
    universe();
    for (int i = 0; i < 30; i++) {
      killmail(
          c, 5000 + i, T0.plusSeconds(i), i % 3 == 0 ? PERIMETER : (i % 3 == 1 ? JITA : 30000999));
    }
    update(c, "DELETE FROM killmails WHERE killmail_id IN (5003, 5004, 5005)");
    update(c, "UPDATE killmails SET solar_system_id = ? WHERE killmail_id = 5007", PERIMETER);
    update(c, "UPDATE killmails SET total_value = 10 WHERE killmail_id BETWEEN 5010 AND 5020");

    assertCountersExact();
    assertThat(longValue(c, "SELECT killmail_count_for_region(?)", THE_FORGE))
        .isEqualTo(longValue(c, "SELECT count(*) FROM killmails WHERE region_id = ?", THE_FORGE))
        .isEqualTo(18);

    long total = longValue(c, "SELECT killmail_count_total()");
    update(c, "DELETE FROM killmail_counts");
    assertThat(longValue(c, "SELECT rebuild_killmail_counts()")).isEqualTo(total);
    assertCountersExact();
  }

  @Test
  void regionFollowsTheSolarSystemWhicheverArrivesFirst() throws SQLException {
    killmail(c, 6001, T0, JITA);
    assertThat(
            rows(c, "SELECT constellation_id, region_id FROM killmails WHERE killmail_id = 6001"))
        .containsExactly("null|null");

    update(
        c,
        "INSERT INTO solar_systems (id, name, constellation_id, security_status) VALUES (?, 'Jita', ?, 0.9459)",
        JITA,
        KIMOTORO);
    assertThat(
            rows(c, "SELECT constellation_id, region_id FROM killmails WHERE killmail_id = 6001"))
        .as("system known, constellation not yet")
        .containsExactly(KIMOTORO + "|null");

    update(c, "INSERT INTO regions (id, name) VALUES (?, 'The Forge')", THE_FORGE);
    update(
        c,
        "INSERT INTO constellations (id, name, region_id) VALUES (?, 'Kimotoro', ?)",
        KIMOTORO,
        THE_FORGE);
    assertThat(rows(c, "SELECT region_id FROM solar_systems WHERE id = ?", JITA))
        .containsExactly(String.valueOf(THE_FORGE));
    assertThat(
            rows(c, "SELECT constellation_id, region_id FROM killmails WHERE killmail_id = 6001"))
        .containsExactly(KIMOTORO + "|" + THE_FORGE);

    killmail(c, 6002, T0, JITA);
    assertThat(rows(c, "SELECT region_id FROM killmails WHERE killmail_id = 6002"))
        .containsExactly(String.valueOf(THE_FORGE));
    assertThat(longValue(c, "SELECT killmail_count_for_region(?)", THE_FORGE)).isEqualTo(2);

    // Writers cannot put a killmail in a region its system is not in.
    update(c, "UPDATE killmails SET region_id = 10000043 WHERE killmail_id = 6002");
    assertThat(rows(c, "SELECT region_id FROM killmails WHERE killmail_id = 6002"))
        .containsExactly(String.valueOf(THE_FORGE));
  }

  @Test
  void killmailsAreImmutableWhereDerivedDataDependsOnThem() throws SQLException {
    killmail(c, 7001, T0, JITA);
    victim(c, 7001, 90000001, 98000001, null);
    attackers(c, 7001, who(90000002, 98000002, null));

    assertSqlState(
        "23000",
        () -> update(c, "UPDATE victims SET character_id = 90000009 WHERE killmail_id = 7001"));
    assertSqlState(
        "23000",
        () -> update(c, "UPDATE attackers SET corporation_id = 98000009 WHERE killmail_id = 7001"));
    assertSqlState(
        "23000",
        () -> update(c, "UPDATE killmails SET killmail_time = now() WHERE killmail_id = 7001"));
    assertSqlState("23000", () -> update(c, "DELETE FROM attackers WHERE killmail_id = 7001"));
    assertSqlState("23000", () -> update(c, "DELETE FROM victims WHERE killmail_id = 7001"));
    assertSqlState(
        "23514",
        () ->
            update(
                c,
                "INSERT INTO killmails (killmail_id, killmail_hash, killmail_time,"
                    + " solar_system_id) VALUES (7002, 'abc/../../etc', now(), 1)"));

    // Non-identifying columns may be corrected.
    assertThat(
            update(
                c,
                "UPDATE attackers SET damage_done = 5, security_status = 1.5 WHERE killmail_id = 7001"))
        .isEqualTo(1);
    assertThat(update(c, "UPDATE victims SET damage_taken = 7 WHERE killmail_id = 7001"))
        .isEqualTo(1);
  }

  @Test
  void truncateClearsTheDerivedTablesToo() throws SQLException {
    killmail(c, 8001, T0, JITA);
    victim(c, 8001, 90000001, 98000001, 99000001);
    Sql.exec(c, "TRUNCATE killmails CASCADE");
    assertThat(longValue(c, "SELECT killmail_count_total()")).isZero();
    assertThat(
            longValue(
                c,
                "SELECT (SELECT count(*) FROM character_killmails) + (SELECT count(*) FROM"
                    + " corporation_killmails) + (SELECT count(*) FROM alliance_killmails) + (SELECT count(*) FROM killmail_counts)"
                    + " + (SELECT count(*) FROM killmail_hours) + (SELECT count(*) FROM killmail_days)"
                    + " + (SELECT count(*) FROM killmail_scope_days)"))
        .isZero();
  }

  @Test
  void hourTotalsStayExactAndPlacePagesWhereOffsetWould() throws SQLException {
    // 60 killmails over 7 hours 11 hours apart (so over several days), uneven (some hours empty),
    // several in the
    // same second (ties broken by id).
    int id = 9000;
    int[] perHour = {9, 0, 1, 20, 0, 3, 27};
    for (int h = 0; h < perHour.length; h++) {
      for (int i = 0; i < perHour[h]; i++) {
        killmail(c, id++, T0.plusSeconds(h * 11 * 3600L + (i / 2) * 7L), JITA);
      }
    }
    // Some deleted: totals must still be exact.
    Sql.exec(c, "SET LOCAL TimeZone = 'Asia/Kolkata'"); // +05:30: hours stay UTC hours
    update(c, "DELETE FROM killmails WHERE killmail_id IN (9000, 9030, 9059)");
    assertThat(
            rows(
                c,
                "SELECT hour, sum(n) FROM killmail_hours GROUP BY hour HAVING sum(n) <> 0 ORDER BY 1"))
        .isEqualTo(
            rows(
                c,
                "SELECT date_bin('1 hour', killmail_time, timestamptz '2000-01-01Z'), count(*)"
                    + " FROM killmails GROUP BY 1 ORDER BY 1"));
    assertThat(
            rows(
                c,
                "SELECT day, sum(n) FROM killmail_days GROUP BY day HAVING sum(n) <> 0 ORDER BY 1"))
        .isEqualTo(
            rows(
                c,
                "SELECT date_bin('1 day', killmail_time, timestamptz '2000-01-01Z'), count(*)"
                    + " FROM killmails GROUP BY 1 ORDER BY 1"));

    long total = longValue(c, "SELECT count(*) FROM killmails");
    for (String order : new String[] {"DESC", "ASC"}) {
      boolean newestFirst = order.equals("DESC");
      for (long offset = 0; offset <= total + 2; offset++) {
        for (int limit : new int[] {1, 4, 26}) {
          String positioned =
              "SELECT k.killmail_id FROM killmails k, killmail_page_start(?, ?) s WHERE "
                  + (newestFirst
                      ? "k.killmail_time < s.hour_start + interval '1 hour'"
                      : "k.killmail_time >= s.hour_start")
                  + " ORDER BY k.killmail_time "
                  + order
                  + ", k.killmail_id "
                  + order
                  + " LIMIT "
                  + limit
                  + " OFFSET (SELECT ? - skipped FROM killmail_page_start(?, ?))";
          assertThat(rows(c, positioned, offset, newestFirst, offset, offset, newestFirst))
              .as("%s offset %d limit %d", order, offset, limit)
              .isEqualTo(
                  rows(
                      c,
                      "SELECT killmail_id FROM killmails ORDER BY killmail_time "
                          + order
                          + ", killmail_id "
                          + order
                          + " LIMIT "
                          + limit
                          + " OFFSET "
                          + offset));
        }
      }
    }
    assertThat(rows(c, "SELECT * FROM killmail_page_start(?, true)", total))
        .as("past the end")
        .isEmpty();

    update(c, "DELETE FROM killmail_hours");
    update(c, "DELETE FROM killmail_days");
    assertThat(longValue(c, "SELECT rebuild_killmail_counts()")).isEqualTo(total);
    assertThat(longValue(c, "SELECT sum(n) FROM killmail_hours")).isEqualTo(total);
    assertThat(longValue(c, "SELECT sum(n) FROM killmail_days")).isEqualTo(total);
  }

  @Test
  void scopeDaysStayExactAndPlaceFilteredPagesWhereOffsetWould() throws SQLException {
    universe();
    // 40 killmails over about five days in two systems of one region, uneven, several in one
    // second; a character,
    // a corporation and an alliance on some of them (victim, attacker or both).
    int[] hoursApart = {
      0, 0, 0, 1, 7, 13, 13, 30, 31, 31, 50, 50, 50, 50, 51, 70, 71, 72, 90, 90, 91, 92, 93, 94, 95,
      96, 97, 98, 99, 100, 101, 102, 110, 111, 112, 113, 114, 115, 116, 117
    };
    for (int i = 0; i < hoursApart.length; i++) {
      int id = 11000 + i;
      killmail(c, id, T0.plusSeconds(hoursApart[i] * 3600L), i % 3 == 0 ? PERIMETER : JITA);
      victim(c, id, i % 2 == 0 ? 90000001 : 90000002, 98000001, i % 4 == 0 ? 99000001 : null);
      if (i % 5 == 0) {
        attackers(c, id, who(90000001, 98000002, 99000001), who(90000003, 98000002, 99000001));
      } else {
        attackers(c, id, who(90000004, 98000002, null));
      }
    }
    update(c, "DELETE FROM killmails WHERE killmail_id IN (11000, 11017, 11039)");
    update(
        c,
        "UPDATE killmails SET solar_system_id = ? WHERE killmail_id IN (11001, 11002)",
        PERIMETER);
    // A killmail whose system is not known yet gets its region when the system arrives.
    killmail(c, 11100, T0.plusSeconds(3 * 3600L), 30000145);
    update(
        c,
        "INSERT INTO solar_systems (id, name, constellation_id, security_status) VALUES (?, 'New Caldari', ?, 0.9)",
        30000145,
        KIMOTORO);

    String[][] scopes = {
      {"system", String.valueOf(JITA), "killmails", "solar_system_id"},
      {"system", String.valueOf(PERIMETER), "killmails", "solar_system_id"},
      {"region", String.valueOf(THE_FORGE), "killmails", "region_id"},
      {"character", "90000001", "character_killmails", "character_id"},
      {"corporation", "98000002", "corporation_killmails", "corporation_id"},
      {"alliance", "99000001", "alliance_killmails", "alliance_id"},
    };
    for (boolean compacted : new boolean[] {false, true}) {
      for (String[] s : scopes) {
        String scope = s[0];
        int id = Integer.parseInt(s[1]);
        String list = "SELECT killmail_id FROM " + s[2] + " WHERE " + s[3] + " = " + id;
        assertThat(
                rows(
                    c,
                    "SELECT day, sum(n) FROM killmail_scope_days WHERE scope = ? AND scope_id = ?"
                        + " GROUP BY day HAVING sum(n) <> 0 ORDER BY 1",
                    scope,
                    id))
            .as("%s %d days", scope, id)
            .isEqualTo(
                rows(
                    c,
                    "SELECT date_bin('1 day', killmail_time, timestamptz '2000-01-01Z'), count(*)"
                        + " FROM "
                        + s[2]
                        + " WHERE "
                        + s[3]
                        + " = ? GROUP BY 1 ORDER BY 1",
                    id));
        long total = longValue(c, "SELECT count(*) FROM (" + list + ") l");
        assertThat(total).as("%s %d has killmails", scope, id).isGreaterThan(3);
        assertThat(longValue(c, "SELECT killmail_scope_total(?, ?)", scope, id)).isEqualTo(total);
        for (String order : new String[] {"DESC", "ASC"}) {
          boolean newestFirst = order.equals("DESC");
          for (long offset = 0; offset <= total + 1; offset++) {
            String positioned =
                "SELECT k.killmail_id FROM "
                    + s[2]
                    + " k, killmail_scope_page_start(?, ?, ?, ?) p"
                    + " WHERE k."
                    + s[3]
                    + " = "
                    + id
                    + " AND "
                    + (newestFirst
                        ? "k.killmail_time < p.day_start + interval '1 day'"
                        : "k.killmail_time >= p.day_start")
                    + " ORDER BY k.killmail_time "
                    + order
                    + ", k.killmail_id "
                    + order
                    + " LIMIT 3 OFFSET (SELECT ? - skipped FROM killmail_scope_page_start(?, ?, ?, ?))";
            assertThat(
                    rows(
                        c,
                        positioned,
                        scope,
                        id,
                        offset,
                        newestFirst,
                        offset,
                        scope,
                        id,
                        offset,
                        newestFirst))
                .as("%s %d %s offset %d (compacted: %s)", scope, id, order, offset, compacted)
                .isEqualTo(
                    rows(
                        c,
                        list
                            + " ORDER BY killmail_time "
                            + order
                            + ", killmail_id "
                            + order
                            + " LIMIT 3 OFFSET "
                            + offset));
          }
        }
      }
      if (!compacted) {
        assertThat(longValue(c, "SELECT compact_killmail_scope_days()")).isPositive();
        assertThat(
                longValue(
                    c,
                    "SELECT count(*) FROM (SELECT 1 FROM killmail_scope_days"
                        + " GROUP BY scope, scope_id, day HAVING count(*) > 1) more"))
            .as("one row per scope and day")
            .isZero();
        assertThat(longValue(c, "SELECT count(*) FROM killmail_scope_days WHERE writer <> 0"))
            .isZero();
      }
    }

    long rowsBefore = longValue(c, "SELECT sum(n) FROM killmail_scope_days");
    update(c, "DELETE FROM killmail_scope_days");
    longValue(c, "SELECT rebuild_killmail_counts()");
    assertThat(longValue(c, "SELECT sum(n) FROM killmail_scope_days"))
        .as("rebuilt")
        .isEqualTo(rowsBefore);
  }

  @Test
  void allianceMemberCountsFollowCommittedCorporationWrites() throws SQLException {
    // Counts are applied at commit, so this test commits each step on its own connection.
    try (Connection w = db.connect()) {
      update(
          w,
          "INSERT INTO corporations (id, name, ticker, member_count, ceo_id, creator_id, alliance_id) VALUES"
              + " (98300001, 'Alpha', 'ALPHA', 100, 1, 1, 99300001),"
              + " (98300002, 'Beta', 'BETA', 50, 1, 1, 99300001),"
              + " (98300003, 'Gamma', 'GAMMA', 7, 1, 1, NULL)");
      assertThat(counts(w))
          .as("counts accumulate before the alliance row exists")
          .containsExactly("99300001|150|2");

      update(
          w,
          "INSERT INTO alliances (id, name, ticker, date_founded, creator_corporation_id, creator_id) VALUES"
              + " (99300001, 'Alliance One', 'ONE', now(), 98300001, 1), (99300002, 'Alliance Two', 'TWO', now(), 98300003, 1)");
      assertThat(counts(w)).containsExactly("99300001|150|2", "99300002|0|0");

      // A batch upsert: Gamma joins Two, Beta grows, Alpha leaves.
      update(
          w,
          "INSERT INTO corporations AS t (id, name, ticker, member_count, ceo_id, creator_id, alliance_id) VALUES"
              + " (98300003, 'Gamma', 'GAMMA', 8, 1, 1, 99300002),"
              + " (98300002, 'Beta', 'BETA', 55, 1, 1, 99300001),"
              + " (98300001, 'Alpha', 'ALPHA', 100, 1, 1, NULL)"
              + " ON CONFLICT (id) DO UPDATE SET member_count = EXCLUDED.member_count, alliance_id = EXCLUDED.alliance_id");
      assertThat(counts(w)).containsExactly("99300001|55|1", "99300002|8|1");

      // Inside an open transaction the counts still show the committed state; the commit applies
      // the deltas.
      w.setAutoCommit(false);
      update(w, "DELETE FROM corporations WHERE id = 98300002");
      update(w, "UPDATE corporations SET member_count = 10 WHERE id = 98300003");
      assertThat(counts(w)).containsExactly("99300001|55|1", "99300002|8|1");
      w.commit();
      assertThat(counts(w)).containsExactly("99300001|0|0", "99300002|10|1");
      assertThat(longValue(w, "SELECT count(*) FROM alliance_member_count_deltas"))
          .as("staging drained")
          .isZero();

      // A rolled-back write leaves nothing behind.
      update(w, "UPDATE corporations SET member_count = 500 WHERE id = 98300003");
      w.rollback();
      w.setAutoCommit(true);
      assertThat(counts(w)).containsExactly("99300001|0|0", "99300002|10|1");

      update(
          w,
          "UPDATE alliance_member_counts SET member_count = 999 WHERE alliance_id IN (99300001, 99300002)");
      assertThat(longValue(w, "SELECT refresh_alliance_member_counts()"))
          .as("rows repaired")
          .isEqualTo(2);
      assertThat(counts(w)).containsExactly("99300001|0|0", "99300002|10|1");
      assertThat(longValue(w, "SELECT refresh_alliance_member_counts()"))
          .as("nothing left to repair")
          .isZero();

      // A refresh in the same transaction as a corporation write counts that write once, not twice.
      w.setAutoCommit(false);
      update(w, "UPDATE corporations SET member_count = 12 WHERE id = 98300003");
      longValue(w, "SELECT refresh_alliance_member_counts()");
      w.commit();
      w.setAutoCommit(true);
      assertThat(counts(w)).containsExactly("99300001|0|0", "99300002|12|1");
    }
  }

  @Test
  void snapshotsAreOnePerEntityPerDay() throws SQLException {
    update(
        c,
        "INSERT INTO alliances (id, name, ticker, date_founded, creator_corporation_id, creator_id)"
            + " VALUES (99000010, 'Snap', 'SNAP', now(), 1, 1)");
    update(
        c,
        "INSERT INTO alliance_snapshots (alliance_id, snapshot_date, member_count, corporation_count)"
            + " SELECT 99000010, d::date, 100 + n, 3 FROM generate_series(1, 31) n,"
            + " LATERAL (SELECT current_date - n AS d) x");
    assertThat(
            update(
                c,
                "INSERT INTO alliance_snapshots (alliance_id, snapshot_date, member_count, corporation_count)"
                    + " VALUES (99000010, current_date - 1, 0, 0) ON CONFLICT DO NOTHING"))
        .isZero();
    // Metrics read "the latest snapshot on or before day D".
    assertThat(
            rows(
                c,
                "SELECT member_count FROM alliance_snapshots WHERE alliance_id = 99000010"
                    + " AND snapshot_date <= current_date - 7 ORDER BY snapshot_date DESC LIMIT 1"))
        .containsExactly("107");
  }

  @Test
  void statisticsViewsUseTheOriginalSecurityBands() throws SQLException {
    update(c, "INSERT INTO regions (id, name) VALUES (10000001, 'Derelik')");
    update(
        c,
        "INSERT INTO constellations (id, name, region_id) VALUES (20000001, 'San Matar', 10000001),"
            + " (20000002, 'Kalangin', 10000001), (20000003, 'Empty', 10000001)");
    update(
        c,
        "INSERT INTO solar_systems (id, name, constellation_id, security_status) VALUES"
            + " (30000001, 'A', 20000001, 0.9), (30000002, 'B', 20000001, 0.5), (30000003, 'C', 20000001, 0.3),"
            + " (30000004, 'D', 20000002, 0.0), (30000005, 'E', 20000002, -0.4), (30000006, 'J', 20000002, NULL)");
    assertThat(
            rows(
                c,
                "SELECT constellation_count, solar_system_count, high_sec, low_sec, null_sec, wormhole,"
                    + " round(avg_security::numeric, 2) FROM region_statistics WHERE region_id = 10000001"))
        .containsExactly("3|6|2|1|2|1|0.26");
    assertThat(
            rows(
                c,
                "SELECT constellation_id, solar_system_count, high_sec, low_sec, null_sec, wormhole, avg_security"
                    + " FROM constellation_statistics WHERE constellation_id IN (20000002, 20000003) ORDER BY 1"))
        .containsExactly("20000002|3|0|0|2|1|-0.2", "20000003|0|0|0|0|0|null");
  }

  @Test
  void usersKeepOnlyEncryptedTokenBytesAndSyncCursors() throws SQLException {
    byte[] sealed = {1, 0, 42, 17, -3, 99, 12, 8, 7, 6, 5, 4, 3, 2, 1};
    update(
        c,
        "INSERT INTO users (character_id, character_name, character_owner_hash, access_token_encrypted,"
            + " refresh_token_encrypted, token_expires_at, scopes) VALUES (90000001, 'Pilot', 'hash=', ?, ?,"
            + " now() + interval '20 minutes', ARRAY['esi-killmails.read_killmails.v1'])",
        sealed,
        sealed);
    assertThat(
            rows(
                c,
                "SELECT octet_length(access_token_encrypted), scopes FROM users WHERE character_id = 90000001"))
        .containsExactly("15|{esi-killmails.read_killmails.v1}");
    assertSqlState(
        "23505",
        () ->
            update(
                c,
                "INSERT INTO users (character_id, character_name, character_owner_hash,"
                    + " access_token_encrypted, token_expires_at) VALUES (90000001, 'Again', 'h', ?, now())",
                sealed));
    assertSqlState(
        "23514",
        () ->
            update(
                c,
                "INSERT INTO users (character_id, character_name, character_owner_hash,"
                    + " access_token_encrypted, token_expires_at) VALUES (90000002, 'Empty', 'h', ?, now())",
                new byte[0]));

    String advance =
        "INSERT INTO feed_state (feed, last_sequence) VALUES ('r2z2', ?) ON CONFLICT (feed)"
            + " DO UPDATE SET last_sequence = greatest(feed_state.last_sequence, EXCLUDED.last_sequence), updated_at = now()";
    update(c, advance, 1500L);
    update(c, advance, 1499L);
    assertThat(longValue(c, "SELECT last_sequence FROM feed_state WHERE feed = 'r2z2'"))
        .isEqualTo(1500);

    update(
        c,
        "INSERT INTO sync_cursors (cursor_kind, subject, position) VALUES ('zkillboard_character', '90000001', 3)");
    assertSqlState(
        "23514",
        () ->
            update(
                c,
                "INSERT INTO esi_cache_validators (request_path, etag) VALUES ('http://x/', 'e')"));
  }

  private void universe() throws SQLException {
    update(c, "INSERT INTO regions (id, name) VALUES (?, 'The Forge')", THE_FORGE);
    update(
        c,
        "INSERT INTO constellations (id, name, region_id) VALUES (?, 'Kimotoro', ?)",
        KIMOTORO,
        THE_FORGE);
    update(
        c,
        "INSERT INTO solar_systems (id, name, constellation_id, security_status) VALUES"
            + " (?, 'Jita', ?, 0.95), (?, 'Perimeter', ?, 0.95)",
        JITA,
        KIMOTORO,
        PERIMETER,
        KIMOTORO);
  }

  private void assertCountersExact() throws SQLException {
    assertThat(longValue(c, "SELECT killmail_count_total()"))
        .isEqualTo(longValue(c, "SELECT count(*) FROM killmails"));
    assertThat(
            rows(
                c,
                "SELECT solar_system_id, killmail_count_for_system(solar_system_id) FROM killmails"
                    + " GROUP BY solar_system_id ORDER BY 1"))
        .isEqualTo(
            rows(c, "SELECT solar_system_id, count(*) FROM killmails GROUP BY 1 ORDER BY 1"));
  }

  private static List<String> counts(Connection w) throws SQLException {
    return rows(
        w,
        "SELECT alliance_id, member_count, corporation_count FROM alliance_member_counts"
            + " WHERE alliance_id BETWEEN 99300001 AND 99300002 ORDER BY 1");
  }

  interface SqlAction {
    void run() throws SQLException;
  }

  /**
   * Runs {@code action} under a savepoint and asserts it fails with {@code sqlState}; the
   * transaction stays usable.
   */
  private void assertSqlState(String sqlState, SqlAction action) throws SQLException {
    java.sql.Savepoint sp = c.setSavepoint();
    assertThatThrownBy(action::run)
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(sqlState));
    c.rollback(sp);
  }
}
