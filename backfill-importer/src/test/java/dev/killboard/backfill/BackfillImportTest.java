package dev.killboard.backfill;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeZkillboard;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer against real PostgreSQL and Hazelcast, on archives built here with commons-compress.
 */
@ClusterTest
class BackfillImportTest {
  private static BackfillHarness h;
  private static FakeUniverse universe;

  @TempDir Path dir;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startHarness() throws Exception {
    h = BackfillHarness.get();
    universe = FakeUniverse.generate(UniverseSpec.tiny());
  }

  @BeforeEach
  void reset() throws Exception {
    h.reset();
  }

  private BackfillReport run(BackfillSettings settings) {
    return await(new BackfillImport(h.vertx, h.pool.pool(), settings, lines::add, 0).run());
  }

  private static BackfillSettings settings(int batchSize, long stopAfter, Path... paths) {
    return new BackfillSettings(List.of(paths), batchSize, stopAfter, false);
  }

  private List<FakeKillmail> fakes(int count) {
    List<FakeKillmail> out = new ArrayList<>();
    for (long id : universe.killmailIds().subList(0, count)) {
      out.add(universe.killmail(id).orElseThrow());
    }
    return out;
  }

  private static int itemCount(JsonArray items) {
    int n = 0;
    for (int i = 0; items != null && i < items.size(); i++) {
      n += 1 + itemCount(items.getJsonObject(i).getJsonArray("items"));
    }
    return n;
  }

  @Test
  void importWritesEveryPartOfEachKillmail() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    // EVE Ref's verbatim ESI body: the hash comes from the file name here.
    entries.put(
        "killmails/900000001_" + Archives.hash(900000001) + ".json",
        Archives.bytes(Archives.esiKillmail(900000001, 98000001)));
    entries.put(
        "killmails/900000002.json",
        Archives.bytes(
            Archives.esiKillmail(900000002, null).put("killmail_hash", Archives.hash(900000002))));
    List<FakeKillmail> fakes = fakes(30);
    entries.putAll(Archives.entries(fakes));
    Path archive = Archives.tarBz2(dir.resolve("killmails-2026-04-01.tar.bz2"), entries);

    BackfillReport report = run(settings(7, 0, archive));

    assertThat(report.stored()).isEqualTo(32);
    assertThat(report.entries()).isEqualTo(32);
    assertThat(report.duplicates()).isZero();
    assertThat(report.malformed()).isZero();
    assertThat(report.stopped()).isFalse();

    Map<String, Object> km =
        h.rows(
                "SELECT killmail_hash, killmail_time, solar_system_id, total_value FROM killmails"
                    + " WHERE killmail_id = 900000001")
            .get(0);
    assertThat(km.get("killmail_hash")).isEqualTo(Archives.hash(900000001));
    assertThat(((java.sql.Timestamp) km.get("killmail_time")).toInstant())
        .isEqualTo(OffsetDateTime.parse("2026-04-01T12:34:56Z").toInstant());
    assertThat(km.get("solar_system_id")).isEqualTo(30000142);
    assertThat(km.get("total_value")).isNull();

    Map<String, Object> victim =
        h.rows("SELECT * FROM victims WHERE killmail_id = 900000001").get(0);
    assertThat(victim)
        .containsEntry("character_id", 2112000001)
        .containsEntry("corporation_id", 98000001)
        .containsEntry("alliance_id", 99000001)
        .containsEntry("ship_type_id", 587)
        .containsEntry("damage_taken", 2650)
        .containsEntry("position_x", 1.5)
        .containsEntry("position_y", -2.25)
        .containsEntry("position_z", 3e11);
    Map<String, Object> noCorp =
        h.rows("SELECT * FROM victims WHERE killmail_id = 900000002").get(0);
    assertThat(noCorp.get("corporation_id")).isNull();
    assertThat(noCorp.get("alliance_id")).isNull();
    assertThat(noCorp).containsEntry("character_id", 2112000001).containsEntry("ship_type_id", 587);
    assertThat(
            h.count(
                "SELECT count(*) FROM killmails WHERE killmail_id = 900000002 AND killmail_hash = '"
                    + Archives.hash(900000002)
                    + "'"))
        .isEqualTo(1);

    List<Map<String, Object>> attackers =
        h.rows("SELECT * FROM attackers WHERE killmail_id = 900000001" + " ORDER BY attacker_no");
    assertThat(attackers).hasSize(2);
    assertThat(attackers.get(0))
        .containsEntry("character_id", 2112000002)
        .containsEntry("corporation_id", 98000002)
        .containsEntry("damage_done", 2000)
        .containsEntry("final_blow", true)
        .containsEntry("security_status", -1.5f)
        .containsEntry("ship_type_id", 17841)
        .containsEntry("weapon_type_id", 3074);
    assertThat(attackers.get(1))
        .containsEntry("faction_id", 500003)
        .containsEntry("damage_done", 650)
        .containsEntry("final_blow", false)
        .containsEntry("ship_type_id", 17812);
    assertThat(attackers.get(1).get("character_id")).isNull();

    List<Map<String, Object>> items =
        h.rows("SELECT * FROM killmail_items WHERE killmail_id = 900000001" + " ORDER BY item_no");
    assertThat(items).hasSize(4);
    assertThat(items.get(0))
        .containsEntry("item_type_id", 2185)
        .containsEntry("flag", 27)
        .containsEntry("quantity_destroyed", 1L);
    assertThat(items.get(0).get("parent_item_no")).isNull();
    assertThat(items.get(1))
        .containsEntry("item_type_id", 11489)
        .containsEntry("quantity_dropped", 1L);
    assertThat(items.get(1).get("parent_item_no")).isNull();
    assertThat(items.get(2))
        .containsEntry("item_type_id", 34)
        .containsEntry("parent_item_no", 1)
        .containsEntry("quantity_dropped", 5000L);
    assertThat(items.get(3))
        .containsEntry("item_type_id", 35)
        .containsEntry("parent_item_no", 1)
        .containsEntry("quantity_destroyed", 1200L);

    // The generated killmails: every attacker and (nested) item row, and zKillboard's values.
    String fakeIds =
        fakes.stream().mapToLong(FakeKillmail::killmailId).min().orElseThrow()
            + " AND "
            + fakes.stream().mapToLong(FakeKillmail::killmailId).max().orElseThrow();
    long expectedAttackers =
        fakes.stream().mapToLong(k -> k.esi().getJsonArray("attackers").size()).sum();
    long expectedItems =
        fakes.stream()
            .mapToLong(k -> itemCount(k.esi().getJsonObject("victim").getJsonArray("items")))
            .sum();
    assertThat(h.count("SELECT count(*) FROM attackers WHERE killmail_id BETWEEN " + fakeIds))
        .isEqualTo(expectedAttackers);
    assertThat(h.count("SELECT count(*) FROM killmail_items WHERE killmail_id BETWEEN " + fakeIds))
        .isEqualTo(expectedItems);
    FakeKillmail first = fakes.get(0);
    Map<String, Object> values =
        h.rows(
                "SELECT total_value, points, killmail_hash FROM killmails WHERE killmail_id = "
                    + first.killmailId())
            .get(0);
    assertThat(values.get("total_value")).isEqualTo(first.zkb().getDouble("totalValue"));
    assertThat(values.get("points")).isEqualTo(first.zkb().getInteger("points"));
    assertThat(values.get("killmail_hash")).isEqualTo(first.hash());

    assertThat(
            h.rows(
                    "SELECT position, completed_at FROM sync_cursors WHERE cursor_kind = 'backfill_archive'"
                        + " AND subject = 'killmails-2026-04-01.tar.bz2'")
                .get(0))
        .containsEntry("position", 32L)
        .extractingByKey("completed_at")
        .isNotNull();
    assertThat(lines)
        .anyMatch(l -> l.contains("done killmails-2026-04-01.tar.bz2: 32 entries, 32 new"));
  }

  @Test
  void malformedEntriesAreReportedAndSkippedWithoutPartialRows() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    List<FakeKillmail> good = fakes(3);
    entries.put(
        "killmails/good-1.json", Archives.entries(good.subList(0, 1)).values().iterator().next());
    entries.put("killmails/broken.json", Archives.bytes("{\"killmail_id\": 9000, \"victim\": "));
    entries.put(
        "killmails/no-victim.json",
        Archives.bytes(
            Archives.esiKillmail(900000010, 1)
                .put("killmail_hash", Archives.hash(10))
                .copy()
                .put("victim", (Object) null)));
    JsonObject negative =
        Archives.esiKillmail(900000011, 1).put("killmail_hash", Archives.hash(11));
    negative.getJsonObject("victim").put("damage_taken", -5);
    entries.put("killmails/negative.json", Archives.bytes(negative));
    entries.put("killmails/no-hash.json", Archives.bytes(Archives.esiKillmail(900000012, 1)));
    JsonObject badAttacker =
        Archives.esiKillmail(900000013, 1).put("killmail_hash", Archives.hash(13));
    badAttacker.getJsonArray("attackers").getJsonObject(1).put("final_blow", "yes");
    entries.put("killmails/bad-attacker.json", Archives.bytes(badAttacker));
    JsonObject badNested =
        Archives.esiKillmail(900000014, 1).put("killmail_hash", Archives.hash(14));
    badNested
        .getJsonObject("victim")
        .getJsonArray("items")
        .getJsonObject(1)
        .getJsonArray("items")
        .getJsonObject(0)
        .put("quantity_dropped", -1);
    entries.put("killmails/bad-nested-item.json", Archives.bytes(badNested));
    // The zkb block passes the same check as zKillboard's live answers (Zkb.fromJson).
    JsonObject badZkb = good.get(0).esi().copy().put("killmail_id", 900000015);
    badZkb.put("killmail_hash", Archives.hash(15)).put("zkb", good.get(0).zkb().copy());
    badZkb.getJsonObject("zkb").put("totalValue", -1.0);
    entries.put("killmails/bad-zkb.json", Archives.bytes(badZkb));
    entries.put(
        "killmails/good-2.json", Archives.entries(good.subList(1, 2)).values().iterator().next());
    Path archives = Files.createDirectories(dir.resolve("archives"));
    Archives.tarBz2(archives.resolve("killmails-2026-04-02.tar.bz2"), entries);
    // A plain JSON file with an array: one good killmail and one element that is not an object.
    Files.writeString(
        archives.resolve("extra.json"),
        new JsonArray()
            .add(good.get(2).esi().copy().put("killmail_hash", good.get(2).hash()))
            .add(42)
            .encode());
    // Not an archive, not JSON: ignored.
    Files.writeString(archives.resolve("README.txt"), "not killmails");

    BackfillReport report = run(settings(100, 0, archives));

    assertThat(report.stored()).isEqualTo(3);
    assertThat(report.malformed()).isEqualTo(8);
    assertThat(report.entries()).isEqualTo(11);
    assertThat(report.files()).isEqualTo(2);
    String a = "killmails-2026-04-02.tar.bz2!killmails/";
    assertThat(lines)
        .anyMatch(l -> l.contains("malformed " + a + "broken.json: not a JSON object"))
        .anyMatch(l -> l.contains("malformed " + a + "no-victim.json: missing victim"))
        .anyMatch(
            l ->
                l.contains(
                    "malformed "
                        + a
                        + "negative.json: victim.damage_taken must be at least 0, got -5"))
        .anyMatch(l -> l.contains("malformed " + a + "no-hash.json: no killmail hash"))
        .anyMatch(
            l ->
                l.contains(
                    "malformed "
                        + a
                        + "bad-attacker.json: attackers[1].final_blow must be true or false"))
        .anyMatch(
            l ->
                l.contains(
                    "malformed "
                        + a
                        + "bad-nested-item.json: victim.items[1].items[0].quantity_dropped"
                        + " must not be negative"))
        .anyMatch(
            l -> l.contains("malformed " + a + "bad-zkb.json: zkb.totalValue must not be negative"))
        .anyMatch(l -> l.contains("malformed extra.json[1]: array element is not a JSON object"));
    assertThat(h.longs("SELECT killmail_id FROM killmails ORDER BY killmail_id"))
        .containsExactlyElementsOf(good.stream().map(FakeKillmail::killmailId).sorted().toList());
    // Nothing of a rejected killmail was written.
    assertThat(
            h.count(
                "SELECT count(*) FROM victims WHERE killmail_id BETWEEN 900000010 AND 900000015"))
        .isZero();
    assertThat(
            h.count(
                "SELECT count(*) FROM attackers WHERE killmail_id BETWEEN 900000010 AND 900000014"))
        .isZero();
    assertThat(
            h.count(
                "SELECT count(*) FROM killmail_items WHERE killmail_id BETWEEN 900000010 AND 900000014"))
        .isZero();
    assertThat(h.count("SELECT count(*) FROM victims")).isEqualTo(3);
    // The malformed entries are behind the cursor: the archive counts as done.
    assertThat(
            h.count(
                "SELECT position FROM sync_cursors WHERE subject = 'killmails-2026-04-02.tar.bz2'"
                    + " AND completed_at IS NOT NULL"))
        .isEqualTo(9);
  }

  @Test
  void aBatchTheDatabaseRefusesIsRetriedOneByOneSoOnlyTheBadKillmailIsLost() throws Exception {
    List<FakeKillmail> good = fakes(6);
    Map<String, byte[]> entries = new LinkedHashMap<>(Archives.entries(good.subList(0, 3)));
    // Passes the parser (a finite number) but overflows the column's real type: PostgreSQL refuses
    // it (22003).
    JsonObject overflow =
        Archives.esiKillmail(900000020, 98000001).put("killmail_hash", Archives.hash(20));
    overflow.getJsonArray("attackers").getJsonObject(0).put("security_status", 1e300);
    entries.put("killmails/overflow.json", Archives.bytes(overflow));
    entries.putAll(Archives.entries(good.subList(3, 6)));
    Path archive = Archives.tarBz2(dir.resolve("killmails-2026-04-07.tar.bz2"), entries);

    BackfillReport report = run(settings(100, 0, archive));

    assertThat(report.stored()).isEqualTo(6);
    assertThat(report.malformed()).isEqualTo(1);
    assertThat(lines)
        .anyMatch(
            l ->
                l.contains(
                        "malformed killmails-2026-04-07.tar.bz2!killmails/overflow.json:"
                            + " rejected by the database:")
                    && l.contains("out of range"));
    assertThat(h.longs("SELECT killmail_id FROM killmails ORDER BY killmail_id"))
        .containsExactlyElementsOf(good.stream().map(FakeKillmail::killmailId).sorted().toList());
    assertThat(h.count("SELECT count(*) FROM victims WHERE killmail_id = 900000020")).isZero();
    assertThat(
            h.count(
                "SELECT position FROM sync_cursors WHERE subject = 'killmails-2026-04-07.tar.bz2'"
                    + " AND completed_at IS NOT NULL"))
        .isEqualTo(7);
  }

  @Test
  void interruptedImportResumesWithoutDuplicatesOrGaps() throws Exception {
    List<FakeKillmail> all = fakes(universe.killmailCount());
    Path archive =
        Archives.tarBz2(dir.resolve("killmails-2026-04-03.tar.bz2"), Archives.entries(all));
    List<Long> expected = all.stream().map(FakeKillmail::killmailId).sorted().toList();
    List<Long> firstHalf =
        all.subList(0, 60).stream().map(FakeKillmail::killmailId).sorted().toList();

    BackfillReport first = run(settings(25, 60, archive));

    assertThat(first.stopped()).isTrue();
    assertThat(first.stored()).isEqualTo(60);
    assertThat(h.longs("SELECT killmail_id FROM killmails ORDER BY killmail_id"))
        .containsExactlyElementsOf(firstHalf);
    assertThat(
            h.rows(
                    "SELECT position, completed_at FROM sync_cursors WHERE subject = 'killmails-2026-04-03.tar.bz2'")
                .get(0))
        .containsEntry("position", 60L)
        .containsEntry("completed_at", null);

    lines.clear();
    BackfillReport second = run(settings(25, 0, archive));

    assertThat(second.stopped()).isFalse();
    assertThat(second.entries()).isEqualTo(all.size() - 60);
    assertThat(second.stored()).isEqualTo(all.size() - 60);
    assertThat(second.duplicates()).isZero();
    assertThat(lines)
        .anyMatch(l -> l.contains("killmails-2026-04-03.tar.bz2, resuming after entry 60"));
    assertThat(h.longs("SELECT killmail_id FROM killmails ORDER BY killmail_id"))
        .containsExactlyElementsOf(expected);
    long attackers = all.stream().mapToLong(k -> k.esi().getJsonArray("attackers").size()).sum();
    assertThat(h.count("SELECT count(*) FROM attackers")).isEqualTo(attackers);
    assertThat(h.count("SELECT count(*) FROM victims")).isEqualTo(all.size());
  }

  @Test
  void stopRequestedMidImportLeavesACursorThatResumesExactly() throws Exception {
    List<FakeKillmail> all = fakes(universe.killmailCount());
    Path archive =
        Archives.tarBz2(dir.resolve("killmails-2026-04-04.tar.bz2"), Archives.entries(all));
    // Stop as soon as the first batch has committed: batches in flight finish, nothing else starts.
    BackfillImport[] holder = new BackfillImport[1];
    holder[0] =
        new BackfillImport(
            h.vertx,
            h.pool.pool(),
            settings(5, 0, archive),
            line -> {
              lines.add(line);
              if (line.contains("killmails/s")) {
                holder[0].requestStop();
              }
            },
            0);
    BackfillReport first = await(holder[0].run());

    assertThat(first.stopped()).isTrue();
    long stored = h.count("SELECT count(*) FROM killmails");
    assertThat(stored).isEqualTo(first.stored()).isGreaterThan(0).isLessThan(all.size());
    long position =
        h.count("SELECT position FROM sync_cursors WHERE subject = 'killmails-2026-04-04.tar.bz2'");
    // The cursor covers exactly the committed prefix: every entry before it is stored, none after
    // it.
    assertThat(position).isEqualTo(stored);
    assertThat(h.longs("SELECT killmail_id FROM killmails ORDER BY killmail_id"))
        .containsExactlyElementsOf(
            all.subList(0, (int) position).stream()
                .map(FakeKillmail::killmailId)
                .sorted()
                .toList());

    BackfillReport second = run(settings(25, 0, archive));
    assertThat(second.stored()).isEqualTo(all.size() - stored);
    assertThat(second.duplicates()).isZero();
    assertThat(h.count("SELECT count(*) FROM killmails")).isEqualTo(all.size());
  }

  @Test
  void verbatimEsiEntriesGetTheirHashFromZkillboardsDayDump() throws Exception {
    // EVE Ref's shape: ESI's body as is, named by id only. The hashes come from zKillboard's
    // per-day dump.
    List<FakeKillmail> some = fakes(12);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (FakeKillmail k : some) {
      entries.put("killmails/" + k.killmailId() + ".json", Archives.bytes(k.esi()));
    }
    // One killmail zKillboard does not know: reported and skipped, the others stored.
    entries.put(
        "killmails/900000777.json", Archives.bytes(Archives.esiKillmail(900000777, 98000001)));
    Path archive = Archives.tarBz2(dir.resolve("killmails-everef.tar.bz2"), entries);
    FakeZkillboard zkillboard = new FakeZkillboard(h.vertx, universe);
    await(zkillboard.start());
    try (ZkillboardDayHashes hashes =
        new ZkillboardDayHashes(
            h.vertx,
            Map.of(
                "KILLBOARD_ZKB_BASE_URL",
                zkillboard.baseUrl(),
                "KILLBOARD_USER_AGENT",
                "Killboard-test (test@example.com)"))) {
      BackfillReport report =
          await(
              new BackfillImport(
                      h.vertx, h.pool.pool(), settings(5, 0, archive), lines::add, 0, hashes)
                  .run());
      assertThat(report.stored()).isEqualTo(12);
      assertThat(report.malformed()).isEqualTo(1);
      assertThat(lines)
          .anyMatch(
              l ->
                  l.contains("killmails/900000777.json")
                      && l.contains("no killmail hash")
                      && l.contains("zKillboard's hashes of"));
      for (FakeKillmail k : some) {
        assertThat(
                h.rows("SELECT killmail_hash FROM killmails WHERE killmail_id = " + k.killmailId()))
            .as("hash of %d", k.killmailId())
            .containsExactly(Map.of("killmail_hash", k.hash()));
      }
      // One request per UTC day met, however many killmails it holds.
      Set<String> days = new HashSet<>();
      some.forEach(
          k ->
              days.add(
                  OffsetDateTime.parse(k.esi().getString("killmail_time"))
                      .atZoneSameInstant(java.time.ZoneOffset.UTC)
                      .toLocalDate()
                      .toString()));
      days.add(
          OffsetDateTime.parse(Archives.esiKillmail(900000777, 98000001).getString("killmail_time"))
              .atZoneSameInstant(java.time.ZoneOffset.UTC)
              .toLocalDate()
              .toString());
      assertThat(zkillboard.requests().count(FakeZkillboard.DAY_HASHES)).isEqualTo(days.size());
    } finally {
      await(zkillboard.close());
    }
  }

  @Test
  void anUnreachableHashSourceStopsTheImportInsteadOfSkippingKillmails() throws Exception {
    List<FakeKillmail> some = fakes(6);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (FakeKillmail k : some) {
      entries.put("killmails/" + k.killmailId() + ".json", Archives.bytes(k.esi()));
    }
    Path archive = Archives.tarBz2(dir.resolve("killmails-unreachable.tar.bz2"), entries);
    MissingHashes down =
        (id, day) -> {
          throw new java.io.IOException(
              "zKillboard's killmail hashes of " + day + " could not be read: connection refused");
        };
    assertThatThrownBy(
            () ->
                await(
                    new BackfillImport(
                            h.vertx, h.pool.pool(), settings(5, 0, archive), lines::add, 0, down)
                        .run()))
        .hasMessageContaining("connection refused");
    assertThat(h.count("SELECT count(*) FROM killmails")).isZero();

    // Once the hashes can be had, the same archive imports whole: nothing was skipped.
    Map<Long, String> known = new HashMap<>();
    some.forEach(k -> known.put(k.killmailId(), k.hash()));
    BackfillReport report =
        await(
            new BackfillImport(
                    h.vertx,
                    h.pool.pool(),
                    settings(5, 0, archive),
                    lines::add,
                    0,
                    (id, day) -> Optional.ofNullable(known.get(id)))
                .run());
    assertThat(report.stored()).isEqualTo(6);
    assertThat(report.malformed()).isZero();
  }

  @Test
  void reimportingTheSameArchiveIsANoOp() throws Exception {
    List<FakeKillmail> some = fakes(40);
    Path archive =
        Archives.tarBz2(dir.resolve("killmails-2026-04-05.tar.bz2"), Archives.entries(some));
    run(settings(500, 0, archive));
    long killmails = h.count("SELECT count(*) FROM killmails");
    long attackers = h.count("SELECT count(*) FROM attackers");
    long items = h.count("SELECT count(*) FROM killmail_items");
    assertThat(killmails).isEqualTo(40);

    lines.clear();
    BackfillReport again = run(settings(500, 0, archive));
    assertThat(again.filesAlreadyImported()).isEqualTo(1);
    assertThat(again.entries()).isZero();
    assertThat(again.stored()).isZero();
    assertThat(lines)
        .anyMatch(
            l ->
                l.contains("killmails-2026-04-05.tar.bz2: already imported (40 entries), skipped"));

    // The same killmails under another archive name are read, and skipped as duplicates.
    Path copy = Files.copy(archive, dir.resolve("killmails-copy.tar.bz2"));
    BackfillReport duplicates = run(settings(500, 0, copy));
    assertThat(duplicates.entries()).isEqualTo(40);
    assertThat(duplicates.duplicates()).isEqualTo(40);
    assertThat(duplicates.stored()).isZero();

    assertThat(h.count("SELECT count(*) FROM killmails")).isEqualTo(killmails);
    assertThat(h.count("SELECT count(*) FROM attackers")).isEqualTo(attackers);
    assertThat(h.count("SELECT count(*) FROM killmail_items")).isEqualTo(items);
  }

  @Test
  void commandValidatesArgumentsAndImports() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);

    assertThat(BackfillCommand.run(new String[0], h.env, outStream, errStream)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("No PATH given").contains("Usage:");
    err.reset();
    assertThat(
            BackfillCommand.run(
                new String[] {dir.resolve("missing.tar.bz2").toString()},
                h.env,
                outStream,
                errStream))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.tar.bz2' does not exist");
    err.reset();
    Path archive =
        Archives.tarBz2(dir.resolve("killmails-2026-04-06.tar.bz2"), Archives.entries(fakes(12)));
    assertThat(
            BackfillCommand.run(
                new String[] {"--batch-size=0", archive.toString()}, h.env, outStream, errStream))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("batch size 0 is invalid (--batch-size");
    err.reset();
    Map<String, String> badDb = new HashMap<>(h.env);
    badDb.put("KILLBOARD_DB_PORT", "not-a-port");
    assertThat(BackfillCommand.run(new String[] {archive.toString()}, badDb, outStream, errStream))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("KILLBOARD_DB_PORT");

    int code =
        BackfillCommand.run(
            new String[] {"--batch-size=5", archive.toString()}, h.env, outStream, errStream);

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("file 1/1 killmails-2026-04-06.tar.bz2")
        .contains(
            "Backfill done: 1 files (0 already imported), 12 entries, 12 new killmails, 0 duplicates skipped");
    assertThat(h.count("SELECT count(*) FROM killmails")).isEqualTo(12);
  }

  @Test
  void verticleDeployedByNameRunsOnceAndGivesItsPoolBack() throws Exception {
    Path archive =
        Archives.tarBz2(dir.resolve("killmails-2026-04-08.tar.bz2"), Archives.entries(fakes(15)));
    CompletableFuture<JsonObject> finished = new CompletableFuture<>();
    io.vertx.core.eventbus.MessageConsumer<JsonObject> consumer =
        h.vertx
            .eventBus()
            .consumer(BackfillVerticle.FINISHED_ADDRESS, m -> finished.complete(m.body()));
    await(consumer.completion());
    try {
      JsonObject config =
          new JsonObject()
              .put("paths", new JsonArray().add(archive.toString()))
              .put("batchSize", 4)
              .put("exitWhenDone", false)
              .put("env", new JsonObject(new HashMap<>(h.env)));
      String id =
          await(
              h.vertx.deployVerticle(
                  BackfillVerticle.class.getName(),
                  new io.vertx.core.DeploymentOptions().setConfig(config)));

      JsonObject event = finished.get(60, TimeUnit.SECONDS);
      assertThat(event.getBoolean("succeeded")).isTrue();
      assertThat(event.getJsonObject("report").getLong("stored")).isEqualTo(15);
      assertThat(h.count("SELECT count(*) FROM killmails")).isEqualTo(15);
      // A one-shot: it undeploys itself, which closes its pool and gives its permits back.
      eventually(
          Duration.ofSeconds(30),
          "the one-shot undeployed itself",
          () -> !h.vertx.deploymentIDs().contains(id));
      assertThat(h.vertx.deploymentIDs()).doesNotContain(id);
      assertThat(h.budget.pools()).noneMatch(p -> p.owner().equals("backfill#1"));
    } finally {
      await(consumer.unregister());
    }
  }

  @Test
  void verticleWithBadConfigFailsToDeployNamingTheSetting() throws Exception {
    JsonObject config =
        new JsonObject()
            .put("paths", new JsonArray().add(dir.resolve("nope.tar.bz2").toString()))
            .put("env", new JsonObject(new HashMap<>(h.env)));
    assertThatThrownBy(
            () ->
                await(
                    h.vertx.deployVerticle(
                        BackfillVerticle.class.getName(),
                        new io.vertx.core.DeploymentOptions().setConfig(config))))
        .hasMessageContaining("nope.tar.bz2' does not exist");

    Map<String, String> env = new HashMap<>(h.env);
    env.put(BackfillVerticle.ENV_HASHES, "sometimes");
    JsonObject badHashes =
        new JsonObject()
            .put("paths", new JsonArray().add(dir.toString()))
            .put("env", new JsonObject(new HashMap<>(env)));
    assertThatThrownBy(
            () ->
                await(
                    h.vertx.deployVerticle(
                        BackfillVerticle.class.getName(),
                        new io.vertx.core.DeploymentOptions().setConfig(badHashes))))
        .hasMessageContaining(
            "KILLBOARD_BACKFILL_HASHES='sometimes' must be one of zkillboard, off");
  }

  @Test
  void settingsNameTheBadValue() {
    assertThatThrownBy(
            () ->
                BackfillSettings.fromArgs(
                    new String[] {"--stop-after=-3", dir.toString()}, Map.of()))
        .hasMessageContaining("--stop-after=-3 is invalid");
    assertThatThrownBy(
            () ->
                BackfillSettings.fromArgs(new String[] {"--frobnicate", dir.toString()}, Map.of()))
        .hasMessageContaining("Unknown option '--frobnicate'");
    assertThatThrownBy(
            () ->
                BackfillSettings.fromArgs(
                    new String[] {dir.toString()}, Map.of("KILLBOARD_BACKFILL_BATCH_SIZE", "lots")))
        .hasMessageContaining("KILLBOARD_BACKFILL_BATCH_SIZE='lots'");
    assertThatThrownBy(() -> SourceFiles.resolve(List.of(dir)))
        .hasMessageContaining("is a directory without any .tar.bz2 or .json file");
    assertThatThrownBy(
            () -> BackfillSettings.fromConfig(new JsonObject().put("paths", "x"), Map.of()))
        .hasMessageContaining("config 'paths' must be an array");
    // Every problem at once, not the first one only.
    assertThatThrownBy(() -> new BackfillSettings(List.of(dir.resolve("nowhere")), 0, -1, false))
        .hasMessageContaining("3 problems")
        .hasMessageContaining("does not exist")
        .hasMessageContaining("batch size 0 is invalid")
        .hasMessageContaining("--stop-after=-1 is invalid");
  }
}
