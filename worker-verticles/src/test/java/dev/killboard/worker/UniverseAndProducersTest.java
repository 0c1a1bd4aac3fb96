package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.contracts.QueueNames;
import dev.killboard.fake.FakeEsi;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.queue.Priority;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Universe workers (regions, constellations, systems, races, bloodlines) and the queue producers.
 */
@ClusterTest
class UniverseAndProducersTest {
  private WorkerHarness h;
  private FakeUniverse u;

  @BeforeEach
  void setUp() throws Exception {
    h = WorkerHarness.get();
    h.reset();
    u = h.fakes.universe();
  }

  private void all(String queue) {
    await(h.queue.enqueue(queue, new JsonObject().put("all", true), Priority.LOW));
  }

  @Test
  void regionsConstellationsAndSystemsFromAFullSync() throws Exception {
    String regions = h.deploy("regions");
    String constellations = h.deploy("constellations");
    String systems = h.deploy("systems");
    try {
      // One after the other: a system and its constellation written concurrently can leave
      // solar_systems.region_id
      // NULL (the schema's derive and propagate triggers do not see each other's uncommitted rows;
      // reported).
      all(QueueNames.ESI_ALL_REGIONS);
      eventually(
          Duration.ofSeconds(60),
          "every region",
          () ->
              h.count("SELECT count(*) FROM regions") == u.regionIds().size()
                  && h.depth(QueueNames.ESI_ALL_REGIONS) == 0);
      all(QueueNames.ESI_ALL_CONSTELLATIONS);
      eventually(
          Duration.ofSeconds(60),
          "every constellation",
          () ->
              h.count("SELECT count(*) FROM constellations") == u.constellationIds().size()
                  && h.depth(QueueNames.ESI_ALL_CONSTELLATIONS) == 0);
      all(QueueNames.ESI_ALL_SYSTEMS);
      eventually(
          Duration.ofSeconds(60),
          "every system",
          () ->
              h.count("SELECT count(*) FROM solar_systems") == u.systemIds().size()
                  && h.depth(QueueNames.ESI_ALL_SYSTEMS) == 0);
      assertThat(h.count("SELECT count(*) FROM solar_systems WHERE region_id IS NULL")).isZero();
      long systemId = u.systemIds().get(0);
      JsonObject s = u.system(systemId).orElseThrow();
      Map<String, Object> row = h.rows("SELECT * FROM solar_systems WHERE id = " + systemId).get(0);
      assertThat(row.get("name")).isEqualTo(s.getString("name"));
      assertThat((Double) row.get("security_status")).isEqualTo(s.getDouble("security_status"));
      assertThat((Double) row.get("position_x"))
          .isEqualTo(s.getJsonObject("position").getDouble("x"));
      long constellation = s.getLong("constellation_id");
      long region = u.constellation(constellation).orElseThrow().getLong("region_id");
      // region_id is derived by the schema from the constellation row the other worker wrote.
      assertThat(((Number) row.get("region_id")).longValue()).isEqualTo(region);
      assertThat(h.rows("SELECT name FROM regions WHERE id = " + region).get(0).get("name"))
          .isEqualTo(u.region(region).orElseThrow().getString("name"));
    } finally {
      h.undeploy(regions);
      h.undeploy(constellations);
      h.undeploy(systems);
    }
  }

  @Test
  void racesAndBloodlinesAreOneShots() throws Exception {
    assertThat(h.runOneShot("races", null).getBoolean("succeeded")).isTrue();
    assertThat(h.runOneShot("bloodlines", null).getBoolean("succeeded")).isTrue();
    JsonArray races = u.races();
    JsonArray bloodlines = u.bloodlines();
    assertThat(h.count("SELECT count(*) FROM races")).isEqualTo(races.size());
    assertThat(h.count("SELECT count(*) FROM bloodlines")).isEqualTo(bloodlines.size());
    JsonObject b = bloodlines.getJsonObject(0);
    Map<String, Object> row =
        h.rows("SELECT * FROM bloodlines WHERE id = " + b.getLong("bloodline_id")).get(0);
    assertThat(row.get("name")).isEqualTo(b.getString("name"));
    assertThat(((Number) row.get("race_id")).longValue()).isEqualTo(b.getLong("race_id"));
    assertThat(((Number) row.get("ship_type_id")).longValue()).isEqualTo(b.getLong("ship_type_id"));
    assertThat(h.budget.pools().stream().map(p -> p.owner()))
        .noneMatch(o -> o.startsWith("races#") || o.startsWith("bloodlines#"));
  }

  @Test
  void queueMissingGroupsReadsEveryPage() throws Exception {
    List<Long> groups = u.groupIds();
    for (long id : groups.subList(0, 2)) {
      h.sql("INSERT INTO item_groups (id, name, category_id) VALUES (" + id + ", 'known', 1)");
    }
    assertThat(h.runOneShot("queue-missing-groups", null).getBoolean("succeeded")).isTrue();
    int pageSize = 5;
    assertThat(h.fakes.esi().requests().count(FakeEsi.GROUPS))
        .isEqualTo((groups.size() + pageSize - 1) / pageSize);
    assertThat(h.depth(QueueNames.ESI_ITEM_GROUP_INFO)).isEqualTo(groups.size() - 2);
    // The groups on the last page are among the queued ones: the info worker stores exactly the
    // missing ones.
    String worker = h.deploy("info-item-groups");
    try {
      eventually(
          Duration.ofSeconds(30),
          "every group stored",
          () -> h.count("SELECT count(*) FROM item_groups") == groups.size());
      assertThat(h.count("SELECT count(*) FROM item_groups WHERE name = 'known'")).isEqualTo(2);
      assertThat(
              h.count(
                  "SELECT count(*) FROM item_groups WHERE id = " + groups.get(groups.size() - 1)))
          .isEqualTo(1);
    } finally {
      h.undeploy(worker);
    }
  }

  @Test
  void queueAllianceCorporationsAndZkillboardSync() throws Exception {
    List<Long> alliances = u.allianceIds();
    for (long id : alliances) {
      h.sql(
          "INSERT INTO alliances (id, name, ticker, date_founded, creator_corporation_id, creator_id) VALUES ("
              + id
              + ", 'A"
              + id
              + "', 'T', now(), 1, 1)");
    }
    List<Long> players = u.playerCharacterIds().subList(0, 4);
    for (long id : players) {
      h.sql(
          "INSERT INTO characters (id, name, corporation_id, birthday, bloodline_id, race_id, gender) VALUES ("
              + id
              + ", 'C"
              + id
              + "', 1, now(), 1, 1, 'male')");
    }
    // An NPC character: zKillboard keeps no history for it.
    h.sql(
        "INSERT INTO characters (id, name, corporation_id, birthday, bloodline_id, race_id, gender)"
            + " VALUES (3019000, 'NPC', 1000125, now(), 1, 1, 'male')");
    assertThat(h.runOneShot("queue-alliance-corporations", null).getBoolean("succeeded")).isTrue();
    assertThat(h.runOneShot("queue-zkillboard-sync", null).getBoolean("succeeded")).isTrue();
    assertThat(h.depth(QueueNames.ESI_ALLIANCE_CORPORATIONS)).isEqualTo(alliances.size());
    assertThat(h.depth(QueueNames.ZKILLBOARD_CHARACTER)).isEqualTo(players.size());
  }
}
