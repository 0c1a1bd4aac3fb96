package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.contracts.QueueNames;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database-only one-shots: alliance counts, daily snapshots and the user / character queue
 * producers.
 */
@ClusterTest
class SnapshotsAndUserProducersTest {
  private WorkerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = WorkerHarness.get();
    h.reset();
  }

  private void corporation(int id, int members, Integer alliance) throws Exception {
    h.sql(
        "INSERT INTO corporations (id, name, ticker, member_count, ceo_id, creator_id, alliance_id) VALUES ("
            + id
            + ", 'Corp "
            + id
            + "', 'C"
            + id
            + "', "
            + members
            + ", 1, 1, "
            + alliance
            + ")");
  }

  private void character(long id, int corporation) throws Exception {
    h.sql(
        "INSERT INTO characters (id, name, corporation_id, birthday, bloodline_id, race_id, gender) VALUES ("
            + id
            + ", 'Pilot "
            + id
            + "', "
            + corporation
            + ", now(), 1, 1, 'female')");
  }

  private void user(long character, Integer corporation, boolean refreshToken) throws Exception {
    h.sql(
        "INSERT INTO users (character_id, character_name, character_owner_hash, corporation_id,"
            + " access_token_encrypted, refresh_token_encrypted, token_expires_at) VALUES ("
            + character
            + ", 'U', 'hash', "
            + corporation
            + ", '\\x01'::bytea, "
            + (refreshToken ? "'\\x02'::bytea" : "NULL")
            + ", now())");
  }

  @Test
  void countsAndSnapshots() throws Exception {
    h.sql(
        "INSERT INTO alliances (id, name, ticker, date_founded, creator_corporation_id, creator_id)"
            + " VALUES (99000001, 'Alliance', 'ALLY', now(), 98000001, 1)");
    corporation(98000001, 10, 99000001);
    corporation(98000002, 32, 99000001);
    corporation(98000003, 5, null);
    h.sql("UPDATE alliance_member_counts SET member_count = 0, corporation_count = 0"); // drifted
    // (manual
    // surgery)

    assertThat(h.runOneShot("update-alliance-counts", null).getBoolean("succeeded")).isTrue();
    assertThat(
            h.count("SELECT member_count FROM alliance_member_counts WHERE alliance_id = 99000001"))
        .isEqualTo(42);
    assertThat(
            h.count(
                "SELECT corporation_count FROM alliance_member_counts WHERE alliance_id = 99000001"))
        .isEqualTo(2);

    assertThat(h.runOneShot("alliance-snapshots", null).getBoolean("succeeded")).isTrue();
    assertThat(h.runOneShot("corporation-snapshots", null).getBoolean("succeeded")).isTrue();
    assertThat(
            h.count(
                "SELECT member_count FROM alliance_snapshots WHERE alliance_id = 99000001"
                    + " AND snapshot_date = (now() AT TIME ZONE 'UTC')::date"))
        .isEqualTo(42);
    assertThat(
            h.count(
                "SELECT corporation_count FROM alliance_snapshots WHERE alliance_id = 99000001"))
        .isEqualTo(2);
    assertThat(h.count("SELECT count(*) FROM corporation_snapshots")).isEqualTo(3);
    assertThat(
            h.count(
                "SELECT member_count FROM corporation_snapshots WHERE corporation_id = 98000002"))
        .isEqualTo(32);

    // Twice on one day: still one row per entity, with the day's latest values.
    h.sql("UPDATE corporations SET member_count = 40 WHERE id = 98000002");
    assertThat(h.runOneShot("corporation-snapshots", null).getBoolean("succeeded")).isTrue();
    assertThat(h.count("SELECT count(*) FROM corporation_snapshots")).isEqualTo(3);
    assertThat(
            h.count(
                "SELECT member_count FROM corporation_snapshots WHERE corporation_id = 98000002"))
        .isEqualTo(40);
  }

  @Test
  void pastDaysOfKillmailCountsAreFoldedIntoOneRowPerScopeAndDay() throws Exception {
    // Rows of three writers (backends) for two past days and one for today; the past ones fold,
    // today's stays.
    h.sql(
        "INSERT INTO killmail_scope_days (scope, scope_id, day, writer, n) VALUES"
            + " ('alliance', 99000001, killmail_day(now()) - interval '3 days', 101, 2),"
            + " ('alliance', 99000001, killmail_day(now()) - interval '3 days', 102, 3),"
            + " ('alliance', 99000001, killmail_day(now()) - interval '2 days', 103, 1),"
            + " ('alliance', 99000001, killmail_day(now()), 104, 7)");

    assertThat(h.runOneShot("compact-killmail-counts", null).getBoolean("succeeded")).isTrue();
    assertThat(h.count("SELECT count(*) FROM killmail_scope_days WHERE scope_id = 99000001"))
        .isEqualTo(3);
    assertThat(
            h.count(
                "SELECT n FROM killmail_scope_days WHERE scope_id = 99000001 AND writer = 0"
                    + " AND day = killmail_day(now()) - interval '3 days'"))
        .isEqualTo(5);
    assertThat(
            h.count("SELECT n FROM killmail_scope_days WHERE scope_id = 99000001 AND writer = 104"))
        .isEqualTo(7);
    assertThat(h.count("SELECT killmail_scope_total('alliance', 99000001)")).isEqualTo(13);
  }

  @Test
  void aOneShotWithEveryRunsAgainUntilUndeployedAndGivesItsPermitsBack() throws Exception {
    BlockingQueue<JsonObject> runs = new LinkedBlockingQueue<>();
    io.vertx.core.eventbus.MessageConsumer<JsonObject> consumer =
        h.vertx
            .eventBus()
            .<JsonObject>consumer(
                dev.killboard.worker.framework.OneShotWorker.FINISHED_ADDRESS,
                m -> runs.add(m.body()));
    await(consumer.completion());
    try {
      String id = h.deploy("compact-killmail-counts", 1, new JsonObject().put("every", "PT1S"));
      for (int i = 0; i < 2; i++) {
        JsonObject run = runs.poll(30, TimeUnit.SECONDS);
        assertThat(run).as("run %d", i + 1).isNotNull();
        assertThat(run.getString("deploymentId")).isEqualTo(id);
        assertThat(run.getBoolean("succeeded")).isTrue();
        assertThat(run.getString("next")).isEqualTo("PT1S");
      }
      assertThat(h.vertx.deploymentIDs()).as("still deployed between runs").contains(id);
      h.undeploy(id);
      assertThat(h.vertx.deploymentIDs()).doesNotContain(id);
      runs.clear();
      assertThat(runs.poll(2, TimeUnit.SECONDS)).as("no run after undeploy").isNull();
    } finally {
      await(consumer.unregister());
    }
    assertThatThrownBy(
            () -> h.deploy("compact-killmail-counts", 1, new JsonObject().put("every", "daily")))
        .hasMessageContaining("\"every\"=daily is not an ISO-8601 duration")
        .hasMessageContaining("PT24H");
    assertThatThrownBy(
            () -> h.deploy("compact-killmail-counts", 1, new JsonObject().put("every", "PT0.1S")))
        .hasMessageContaining("shorter than 1 s");
  }

  @Test
  void userAndCharacterProducers() throws Exception {
    user(90000001, 98000001, true);
    user(90000002, 98000001, true);
    user(90000003, 98000002, false);
    assertThat(h.runOneShot("queue-user-esi-killmails", null).getBoolean("succeeded")).isTrue();
    assertThat(h.runOneShot("queue-corporation-esi-killmails", null).getBoolean("succeeded"))
        .isTrue();
    assertThat(h.depth(QueueNames.ESI_USER_KILLMAILS)).isEqualTo(2);
    assertThat(h.depth(QueueNames.ESI_CORPORATION_KILLMAILS)).isEqualTo(1);

    corporation(98000001, 3, 99000001);
    corporation(98000003, 3, null);
    character(90000011, 98000001);
    character(90000012, 98000001);
    character(3000001, 98000001); // an NPC: skipped
    character(90000013, 98000003); // not in an alliance
    JsonObject event = h.runOneShot("queue-alliance-corporation-characters", null);
    assertThat(event.getBoolean("succeeded")).isTrue();
    assertThat(h.depth(QueueNames.ESI_CHARACTER_INFO)).isEqualTo(2);
  }
}
