package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.PoolProfile;
import dev.killboard.contracts.EsiKillmail;
import dev.killboard.contracts.QueueNames;
import dev.killboard.contracts.Zkb;
import dev.killboard.fake.FakeEsi;
import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeZkillboard;
import dev.killboard.queue.Priority;
import dev.killboard.store.KillmailIngest;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** zkillboard-sync, fetch-single-killmail and scan-killmail-entities against the fakes. */
@ClusterTest
class KillmailWorkersTest {
  private WorkerHarness h;
  private FakeUniverse u;

  @BeforeEach
  void setUp() throws Exception {
    h = WorkerHarness.get();
    h.reset();
    u = h.fakes.universe();
  }

  @Test
  void zkillboardSyncReadsEveryHistoryPageAndEachKillmailFromEsiOnce() throws Exception {
    long character =
        u.playerCharacterIds().stream()
            .max(Comparator.comparingInt((Long id) -> u.killmailsOfCharacter(id).size()))
            .orElseThrow();
    List<Long> expected = u.killmailsOfCharacter(character);
    assertThat(expected.size()).as("more than one zKillboard page of 5").isGreaterThan(5);
    // One of them is already stored from ESI alone (no zkb values): no second ESI read, but its
    // values get filled.
    FakeKillmail known = u.killmail(expected.get(expected.size() - 1)).orElseThrow();
    assertThat(
            h.runOneShot(
                    "fetch-single-killmail",
                    new JsonObject()
                        .put("killmailId", known.killmailId())
                        .put("hash", known.hash()))
                .getBoolean("succeeded"))
        .isTrue();
    String deployment = h.deploy("zkillboard-sync");
    try {
      await(
          h.queue.enqueue(
              QueueNames.ZKILLBOARD_CHARACTER,
              new JsonObject().put("characterId", character),
              Priority.HIGH));
      eventually(
          Duration.ofSeconds(60),
          "every killmail of the character",
          () ->
              h.count("SELECT count(*) FROM killmails") == expected.size()
                  && h.depth(QueueNames.ZKILLBOARD_CHARACTER) == 0);
      Set<Long> stored = new HashSet<>();
      h.rows("SELECT killmail_id FROM killmails")
          .forEach(r -> stored.add(((Number) r.get("killmail_id")).longValue()));
      assertThat(stored).containsExactlyInAnyOrderElementsOf(expected);
      FakeKillmail sample = u.killmail(expected.get(0)).orElseThrow();
      assertThat(
              h.rows("SELECT total_value FROM killmails WHERE killmail_id = " + sample.killmailId())
                  .get(0)
                  .get("total_value"))
          .isEqualTo(sample.zkb().getDouble("totalValue"));
      assertThat(h.fakes.esi().requests().count(FakeEsi.KILLMAIL)).isEqualTo(expected.size());
      assertThat(h.count("SELECT count(*) FROM killmails WHERE total_value IS NULL")).isZero();
      assertThat(
              h.count(
                  "SELECT count(*) FROM sync_cursors WHERE cursor_kind = 'zkillboard_character' AND subject = '"
                      + character
                      + "' AND completed_at IS NOT NULL"))
          .isEqualTo(1);

      // Again: the history is read, but stored killmails cost no ESI call and nothing is
      // duplicated.
      int historyReads = h.fakes.zkillboard().requests().count(FakeZkillboard.HISTORY);
      await(
          h.queue.enqueue(
              QueueNames.ZKILLBOARD_CHARACTER,
              new JsonObject().put("characterId", character),
              Priority.HIGH));
      eventually(
          Duration.ofSeconds(30),
          "second sync done",
          () ->
              h.fakes.zkillboard().requests().count(FakeZkillboard.HISTORY) > historyReads
                  && h.depth(QueueNames.ZKILLBOARD_CHARACTER) == 0);
      assertThat(h.fakes.esi().requests().count(FakeEsi.KILLMAIL)).isEqualTo(expected.size());
      assertThat(h.count("SELECT count(*) FROM killmails")).isEqualTo(expected.size());
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void killmailsIsTheOriginalsWorkerKillmailsOnTheZkillboardQueue() throws Exception {
    long character =
        u.playerCharacterIds().stream()
            .filter(id -> u.killmailsOfCharacter(id).size() > 5)
            .skip(1)
            .findFirst()
            .orElseThrow();
    List<Long> expected = u.killmailsOfCharacter(character);
    String deployment = h.deploy("killmails");
    try {
      assertThat(h.budget.pools().stream().map(p -> p.owner()))
          .anyMatch(o -> o.startsWith("killmails#"));
      await(
          h.queue.enqueue(
              QueueNames.ZKILLBOARD_CHARACTER,
              new JsonObject().put("characterId", character),
              Priority.NORMAL));
      eventually(
          Duration.ofSeconds(60),
          "every killmail of the character",
          () ->
              h.count("SELECT count(*) FROM killmails") == expected.size()
                  && h.depth(QueueNames.ZKILLBOARD_CHARACTER) == 0);
      Set<Long> stored = new HashSet<>();
      h.rows("SELECT killmail_id FROM killmails")
          .forEach(r -> stored.add(((Number) r.get("killmail_id")).longValue()));
      assertThat(stored).containsExactlyInAnyOrderElementsOf(expected);
      FakeKillmail sample = u.killmail(expected.get(0)).orElseThrow();
      assertThat(
              h.rows("SELECT total_value FROM killmails WHERE killmail_id = " + sample.killmailId())
                  .get(0)
                  .get("total_value"))
          .isEqualTo(sample.zkb().getDouble("totalValue"));
      assertThat(
              h.count("SELECT count(*) FROM attackers WHERE killmail_id = " + sample.killmailId()))
          .isEqualTo(sample.esi().getJsonArray("attackers").size());
      assertThat(
              h.count(
                  "SELECT count(*) FROM sync_cursors WHERE cursor_kind = 'zkillboard_character' AND subject = '"
                      + character
                      + "' AND completed_at IS NOT NULL"))
          .isEqualTo(1);
      assertThat(await(h.queue.deadLetters(QueueNames.ZKILLBOARD_CHARACTER, 10))).isEmpty();
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void syncCharacterKillmailsIsTheOneShotForm() throws Exception {
    long character =
        u.playerCharacterIds().stream()
            .filter(id -> u.killmailsOfCharacter(id).size() > 5)
            .findFirst()
            .orElseThrow();
    List<Long> expected = u.killmailsOfCharacter(character);
    JsonObject event =
        h.runOneShot("sync-character-killmails", new JsonObject().put("characterId", character));
    assertThat(event.getBoolean("succeeded")).as(event.encode()).isTrue();
    Set<Long> stored = new HashSet<>();
    h.rows("SELECT killmail_id FROM killmails")
        .forEach(r -> stored.add(((Number) r.get("killmail_id")).longValue()));
    assertThat(stored).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(h.count("SELECT count(*) FROM killmails WHERE total_value IS NULL")).isZero();
  }

  @Test
  void fetchSingleKillmailStoresItAndGivesItsPermitsBack() throws Exception {
    FakeKillmail k = u.killmail(u.killmailIds().get(3)).orElseThrow();
    JsonObject event =
        h.runOneShot(
            "fetch-single-killmail",
            new JsonObject().put("killmailId", k.killmailId()).put("hash", k.hash()));
    assertThat(event.getBoolean("succeeded")).isTrue();
    assertThat(h.count("SELECT count(*) FROM killmails WHERE killmail_id = " + k.killmailId()))
        .isEqualTo(1);
    assertThat(h.count("SELECT count(*) FROM attackers WHERE killmail_id = " + k.killmailId()))
        .isEqualTo(k.esi().getJsonArray("attackers").size());
    assertThat(h.vertx.deploymentIDs()).doesNotContain(event.getString("deploymentId"));
    assertThat(h.budget.pools().stream().map(p -> p.owner()))
        .noneMatch(o -> o.startsWith("fetch-single-killmail#"));
  }

  @Test
  void fetchSingleKillmailWithoutConfigFailsWithTheReason() {
    JsonObject event = h.runOneShot("fetch-single-killmail", new JsonObject());
    assertThat(event.getBoolean("succeeded")).isFalse();
    assertThat(event.getString("error")).contains("killmailId");
  }

  @Test
  void scanQueuesEveryUnknownEntityOfStoredKillmails() throws Exception {
    List<EsiKillmail> batch = new ArrayList<>();
    for (long id : u.killmailIds().subList(0, 8)) {
      FakeKillmail k = u.killmail(id).orElseThrow();
      batch.add(
          EsiKillmail.fromJson(k.killmailId(), k.hash(), k.esi(), Zkb.fromJson(k.zkb(), "zkb")));
    }
    BudgetedPool pool = await(h.budget.openPool(PoolProfile.worker(), "scan-test#1"));
    try {
      await(new KillmailIngest().store(h.vertx, pool.pool(), batch));
    } finally {
      await(pool.close());
    }
    Set<Integer> characters = new HashSet<>();
    Set<Integer> alliances = new HashSet<>();
    Set<Integer> types = new HashSet<>();
    for (EsiKillmail k : batch) {
      addIfSet(characters, k.victim().characterId());
      addIfSet(alliances, k.victim().allianceId());
      types.add(k.victim().shipTypeId());
      for (EsiKillmail.Attacker a : k.attackers()) {
        addIfSet(characters, a.characterId());
        addIfSet(alliances, a.allianceId());
        addIfSet(types, a.shipTypeId());
        addIfSet(types, a.weaponTypeId());
      }
      collectItemTypes(k.items(), types);
    }
    // One of the characters is already known: it must not be queued.
    int known = characters.iterator().next();
    JsonObject c = u.character(known).orElseThrow();
    h.sql(
        "INSERT INTO characters (id, name, corporation_id, birthday, bloodline_id, race_id, gender) VALUES ("
            + known
            + ", 'Known', "
            + c.getLong("corporation_id")
            + ", now(), 1, 1, 'male')");

    JsonObject event = h.runOneShot("scan-killmail-entities", null);
    assertThat(event.getBoolean("succeeded")).isTrue();
    assertThat(h.depth(QueueNames.ESI_CHARACTER_INFO)).isEqualTo(characters.size() - 1);
    assertThat(h.depth(QueueNames.ESI_ALLIANCE_INFO)).isEqualTo(alliances.size());
    assertThat(h.depth(QueueNames.ESI_TYPE_INFO)).isEqualTo(types.size());
    assertThat(h.depth(QueueNames.ESI_CORPORATION_INFO)).isPositive();
  }

  private static void addIfSet(Set<Integer> ids, Integer id) {
    if (id != null) {
      ids.add(id);
    }
  }

  private static void collectItemTypes(List<EsiKillmail.Item> items, Set<Integer> types) {
    for (EsiKillmail.Item item : items) {
      types.add(item.itemTypeId());
      collectItemTypes(item.items(), types);
    }
  }
}
