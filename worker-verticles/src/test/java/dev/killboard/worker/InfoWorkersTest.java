package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.fake.FakeEsi;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.Fault;
import dev.killboard.queue.Priority;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each info worker takes its job, calls the fake ESI, upserts the expected row and acks. */
@ClusterTest
class InfoWorkersTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private WorkerHarness h;
  private FakeUniverse u;

  @BeforeEach
  void setUp() throws Exception {
    h = WorkerHarness.get();
    h.reset();
    u = h.fakes.universe();
  }

  private void enqueue(String queue, long id) {
    await(h.queue.enqueue(queue, EntityJob.of(id).toJson(), Priority.NORMAL));
  }

  private void awaitDrained(String queue) throws Exception {
    eventually(DEADLINE, "queue " + queue + " drained", () -> h.depth(queue) == 0);
  }

  @Test
  void characters() throws Exception {
    String deployment = h.deploy("info-characters");
    try {
      List<Long> ids = u.playerCharacterIds().subList(0, 3);
      ids.forEach(id -> enqueue(QueueNames.ESI_CHARACTER_INFO, id));
      eventually(DEADLINE, "3 characters", () -> h.count("SELECT count(*) FROM characters") == 3);
      awaitDrained(QueueNames.ESI_CHARACTER_INFO);
      for (long id : ids) {
        JsonObject esi = u.character(id).orElseThrow();
        Map<String, Object> row = h.rows("SELECT * FROM characters WHERE id = " + id).get(0);
        assertThat(row.get("name")).isEqualTo(esi.getString("name"));
        assertThat(((Number) row.get("corporation_id")).longValue())
            .isEqualTo(esi.getLong("corporation_id"));
        assertThat(
                row.get("alliance_id") == null
                    ? null
                    : ((Number) row.get("alliance_id")).longValue())
            .isEqualTo(esi.getLong("alliance_id"));
        assertThat(row.get("gender")).isEqualTo(esi.getString("gender"));
        assertThat(((Number) row.get("race_id")).longValue()).isEqualTo(esi.getLong("race_id"));
        assertThat((Double) row.get("security_status")).isEqualTo(esi.getDouble("security_status"));
        assertThat(((java.sql.Timestamp) row.get("birthday")).toInstant())
            .isEqualTo(OffsetDateTime.parse(esi.getString("birthday")).toInstant());
      }
      assertThat(await(h.queue.deadLetters(QueueNames.ESI_CHARACTER_INFO, 10))).isEmpty();
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void redeliveredJobWritesNothingNew() throws Exception {
    String deployment = h.deploy("info-characters");
    try {
      long id = u.playerCharacterIds().get(5);
      // A job in the spelling of releases before one payload spelling (still read during a rolling
      // upgrade) ...
      await(
          h.queue.enqueue(
              QueueNames.ESI_CHARACTER_INFO,
              new JsonObject().put("characterId", id),
              Priority.NORMAL));
      eventually(
          DEADLINE, "character stored", () -> h.count("SELECT count(*) FROM characters") == 1);
      awaitDrained(QueueNames.ESI_CHARACTER_INFO);
      Object updated =
          h.rows("SELECT updated_at FROM characters WHERE id = " + id).get(0).get("updated_at");
      int calls = h.fakes.esi().requests().count(FakeEsi.CHARACTER);
      enqueue(QueueNames.ESI_CHARACTER_INFO, id); // ... and the same job as written today
      eventually(
          DEADLINE,
          "second job consumed",
          () ->
              h.fakes.esi().requests().count(FakeEsi.CHARACTER) > calls
                  || h.depth(QueueNames.ESI_CHARACTER_INFO) == 0);
      awaitDrained(QueueNames.ESI_CHARACTER_INFO);
      assertThat(h.count("SELECT count(*) FROM characters")).isEqualTo(1);
      // The upsert rewrites a row only when a value changed: the trigger-kept updated_at did not
      // move.
      assertThat(
              h.rows("SELECT updated_at FROM characters WHERE id = " + id).get(0).get("updated_at"))
          .isEqualTo(updated);
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void notFoundIsDroppedAndServerErrorIsRetried() throws Exception {
    String deployment = h.deploy("info-characters");
    try {
      long missing = 2_100_000_000L;
      long real = u.playerCharacterIds().get(7);
      h.fakes.esi().faults().inject(FakeEsi.CHARACTER, Fault.status(503), 1);
      enqueue(QueueNames.ESI_CHARACTER_INFO, real);
      enqueue(QueueNames.ESI_CHARACTER_INFO, missing);
      eventually(
          DEADLINE,
          "character stored after the 503",
          () -> h.count("SELECT count(*) FROM characters") == 1);
      awaitDrained(QueueNames.ESI_CHARACTER_INFO);
      assertThat(h.count("SELECT count(*) FROM characters WHERE id = " + real)).isEqualTo(1);
      assertThat(
              h.fakes.esi().requests().of(FakeEsi.CHARACTER).stream()
                  .filter(r -> r.status() == 503))
          .hasSize(1);
      // 404: acked and dropped, not dead-lettered.
      assertThat(await(h.queue.deadLetters(QueueNames.ESI_CHARACTER_INFO, 10))).isEmpty();
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void badPayloadEndsAsDeadLetterWithReason() throws Exception {
    String deployment = h.deploy("info-characters");
    try {
      await(
          h.queue.enqueue(
              QueueNames.ESI_CHARACTER_INFO,
              new JsonObject().put("id", "x'; DROP TABLE characters"),
              Priority.NORMAL));
      eventually(
          DEADLINE,
          "dead letter",
          () -> !await(h.queue.deadLetters(QueueNames.ESI_CHARACTER_INFO, 10)).isEmpty());
      var dead = await(h.queue.deadLetters(QueueNames.ESI_CHARACTER_INFO, 10)).get(0);
      assertThat(dead.toString()).contains("'id' must be a positive whole number");
      assertThat(h.count("SELECT count(*) FROM characters")).isZero();
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void corporationsAlliancesAndCounts() throws Exception {
    String corps = h.deploy("info-corporations");
    String alliances = h.deploy("info-alliances");
    try {
      long allianceId = u.allianceIds().get(0);
      List<Long> members = u.allianceCorporations(allianceId).orElseThrow();
      enqueue(QueueNames.ESI_ALLIANCE_INFO, allianceId);
      members.forEach(id -> enqueue(QueueNames.ESI_CORPORATION_INFO, id));
      eventually(
          DEADLINE,
          "alliance and corporations",
          () ->
              h.count("SELECT count(*) FROM alliances") == 1
                  && h.count("SELECT count(*) FROM corporations") == members.size());
      awaitDrained(QueueNames.ESI_CORPORATION_INFO);
      awaitDrained(QueueNames.ESI_ALLIANCE_INFO);
      JsonObject a = u.alliance(allianceId).orElseThrow();
      Map<String, Object> row = h.rows("SELECT * FROM alliances WHERE id = " + allianceId).get(0);
      assertThat(row.get("name")).isEqualTo(a.getString("name"));
      assertThat(row.get("ticker")).isEqualTo(a.getString("ticker"));
      assertThat(((Number) row.get("creator_corporation_id")).longValue())
          .isEqualTo(a.getLong("creator_corporation_id"));
      long members0 =
          members.stream()
              .mapToLong(id -> u.corporation(id).orElseThrow().getLong("member_count"))
              .sum();
      assertThat(h.count("SELECT sum(member_count) FROM corporations")).isEqualTo(members0);
      for (long id : members) {
        JsonObject c = u.corporation(id).orElseThrow();
        Map<String, Object> cr = h.rows("SELECT * FROM corporations WHERE id = " + id).get(0);
        assertThat(cr.get("ticker")).isEqualTo(c.getString("ticker"));
        assertThat(((Number) cr.get("ceo_id")).longValue()).isEqualTo(c.getLong("ceo_id"));
        assertThat(((Number) cr.get("alliance_id")).longValue()).isEqualTo(allianceId);
      }
      // The schema's triggers keep alliance member counts from the corporation upserts.
      assertThat(
              h.count(
                  "SELECT member_count FROM alliance_member_counts WHERE alliance_id = "
                      + allianceId))
          .isEqualTo(members0);
    } finally {
      h.undeploy(corps);
      h.undeploy(alliances);
    }
  }

  @Test
  void allianceCorporationsFansOutToCorporationInfo() throws Exception {
    String fanOut = h.deploy("alliance-corporations");
    String corps = h.deploy("info-corporations");
    try {
      long allianceId = u.allianceIds().get(1);
      List<Long> members = u.allianceCorporations(allianceId).orElseThrow();
      assertThat(members).isNotEmpty();
      enqueue(QueueNames.ESI_ALLIANCE_CORPORATIONS, allianceId);
      eventually(
          DEADLINE,
          "member corporations stored",
          () -> h.count("SELECT count(*) FROM corporations") == members.size());
      awaitDrained(QueueNames.ESI_ALLIANCE_CORPORATIONS);
      awaitDrained(QueueNames.ESI_CORPORATION_INFO);
      assertThat(
              h.rows("SELECT id FROM corporations").stream()
                  .map(r -> ((Number) r.get("id")).longValue()))
          .containsExactlyInAnyOrderElementsOf(members);
    } finally {
      h.undeploy(fanOut);
      h.undeploy(corps);
    }
  }

  @Test
  void typesGroupsCategories() throws Exception {
    String types = h.deploy("info-types");
    String groups = h.deploy("info-item-groups");
    String categories = h.deploy("info-categories");
    try {
      List<Long> typeIds = u.typeIds().subList(0, 4);
      typeIds.forEach(id -> enqueue(QueueNames.ESI_TYPE_INFO, id));
      long groupId = u.groupIds().get(0);
      long categoryId = u.categoryIds().get(0);
      enqueue(QueueNames.ESI_ITEM_GROUP_INFO, groupId);
      enqueue(QueueNames.ESI_CATEGORY_INFO, categoryId);
      eventually(
          DEADLINE,
          "types, group, category",
          () ->
              h.count("SELECT count(*) FROM types") == 4
                  && h.count("SELECT count(*) FROM item_groups") == 1
                  && h.count("SELECT count(*) FROM categories") == 1);
      awaitDrained(QueueNames.ESI_TYPE_INFO);
      for (long id : typeIds) {
        JsonObject t = u.type(id).orElseThrow();
        Map<String, Object> row = h.rows("SELECT * FROM types WHERE id = " + id).get(0);
        assertThat(row.get("name")).isEqualTo(t.getString("name"));
        assertThat(((Number) row.get("group_id")).longValue()).isEqualTo(t.getLong("group_id"));
        assertThat((Double) row.get("mass")).isEqualTo(t.getDouble("mass"));
        assertThat(((Number) row.get("market_group_id")).longValue())
            .isEqualTo(t.getLong("market_group_id"));
      }
      JsonObject g = u.group(groupId).orElseThrow();
      Map<String, Object> gr = h.rows("SELECT * FROM item_groups").get(0);
      assertThat(gr.get("name")).isEqualTo(g.getString("name"));
      assertThat(((Number) gr.get("category_id")).longValue()).isEqualTo(g.getLong("category_id"));
      assertThat(h.rows("SELECT name FROM categories").get(0).get("name"))
          .isEqualTo(u.category(categoryId).orElseThrow().getString("name"));

      // "all": true (the API's startItemGroupSync) reads every page of /universe/groups/ and queues
      // each group.
      await(
          h.queue.enqueue(
              QueueNames.ESI_ITEM_GROUP_INFO, new JsonObject().put("all", true), Priority.LOW));
      eventually(
          DEADLINE,
          "every group",
          () -> h.count("SELECT count(*) FROM item_groups") == u.groupIds().size());
      assertThat(h.fakes.esi().requests().count(FakeEsi.GROUPS)).isGreaterThan(1);
      awaitDrained(QueueNames.ESI_ITEM_GROUP_INFO);
    } finally {
      h.undeploy(types);
      h.undeploy(groups);
      h.undeploy(categories);
    }
  }

  @Test
  void fullSyncsOfAlliancesCategoriesAndTypes() throws Exception {
    // {"all": true} is what the API's startAllianceSync / startCategorySync / startTypeSync queue.
    String alliances = h.deploy("info-alliances");
    String categories = h.deploy("info-categories");
    String types = h.deploy("info-types");
    try {
      await(
          h.queue.enqueue(
              QueueNames.ESI_ALLIANCE_INFO, new JsonObject().put("all", true), Priority.LOW));
      await(
          h.queue.enqueue(
              QueueNames.ESI_CATEGORY_INFO, new JsonObject().put("all", true), Priority.LOW));
      await(
          h.queue.enqueue(
              QueueNames.ESI_TYPE_INFO, new JsonObject().put("all", true), Priority.LOW));
      eventually(
          DEADLINE,
          "every alliance, category and type",
          () ->
              h.count("SELECT count(*) FROM alliances") == u.allianceIds().size()
                  && h.count("SELECT count(*) FROM categories") == u.categoryIds().size()
                  && h.count("SELECT count(*) FROM types") == u.typeIds().size());
      awaitDrained(QueueNames.ESI_ALLIANCE_INFO);
      awaitDrained(QueueNames.ESI_CATEGORY_INFO);
      awaitDrained(QueueNames.ESI_TYPE_INFO);

      assertThat(ids("SELECT id FROM alliances ORDER BY id")).isEqualTo(u.allianceIds());
      assertThat(ids("SELECT id FROM categories ORDER BY id"))
          .containsExactlyInAnyOrderElementsOf(u.categoryIds());
      assertThat(ids("SELECT id FROM types ORDER BY id")).isEqualTo(u.typeIds());
      long allianceId = u.allianceIds().get(1);
      assertThat(h.rows("SELECT name FROM alliances WHERE id = " + allianceId).get(0).get("name"))
          .isEqualTo(u.alliance(allianceId).orElseThrow().getString("name"));
      // One list call each; /universe/types/ is paged (the fake's 25 per page) and every page was
      // read.
      assertThat(h.fakes.esi().requests().count(FakeEsi.ALLIANCES)).isEqualTo(1);
      assertThat(h.fakes.esi().requests().count(FakeEsi.CATEGORIES)).isEqualTo(1);
      assertThat(h.fakes.esi().requests().count(FakeEsi.TYPES))
          .isEqualTo((u.typeIds().size() + 24) / 25)
          .isGreaterThan(1);
      assertThat(h.fakes.esi().requests().count(FakeEsi.TYPE)).isEqualTo(u.typeIds().size());
      for (String queue :
          List.of(
              QueueNames.ESI_ALLIANCE_INFO,
              QueueNames.ESI_CATEGORY_INFO,
              QueueNames.ESI_TYPE_INFO)) {
        assertThat(await(h.queue.deadLetters(queue, 10))).as(queue).isEmpty();
      }
    } finally {
      h.undeploy(alliances);
      h.undeploy(categories);
      h.undeploy(types);
    }
  }

  @Test
  void aFailedTypeListPageRetriesTheFullSyncWithoutLosingIt() throws Exception {
    String types = h.deploy("info-types");
    try {
      h.fakes.esi().faults().inject(FakeEsi.TYPES, Fault.status(503));
      await(
          h.queue.enqueue(
              QueueNames.ESI_TYPE_INFO, new JsonObject().put("all", true), Priority.LOW));
      eventually(
          DEADLINE,
          "every type after the retry",
          () -> h.count("SELECT count(*) FROM types") == u.typeIds().size());
      awaitDrained(QueueNames.ESI_TYPE_INFO);
      assertThat(ids("SELECT id FROM types ORDER BY id")).isEqualTo(u.typeIds());
      assertThat(h.fakes.esi().requests().of(FakeEsi.TYPES).stream().filter(r -> r.status() == 503))
          .hasSize(1);
      assertThat(await(h.queue.deadLetters(QueueNames.ESI_TYPE_INFO, 10))).isEmpty();
    } finally {
      h.undeploy(types);
    }
  }

  private List<Long> ids(String sql) throws Exception {
    return h.rows(sql).stream().map(r -> ((Number) r.get("id")).longValue()).toList();
  }
}
