package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.config.Env;
import dev.killboard.contracts.QueueNames;
import dev.killboard.embedded.EmbeddedRedis;
import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeR2z2;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.QueueSettings;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Killmails stored while Redis is down keep the info jobs of their unknown entities in the outbox
 * (written in the killmails' transaction); when Redis is back the relay queues them, the outbox
 * empties and the info workers store every name, with nobody running a scan. Redis is this test's
 * own (AOF), stopped and restarted for real.
 */
@ClusterTest
class RedisOutageOutboxTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  // The entities the stored killmails mention, per kind (nothing of them is stored before the info
  // workers run).
  private static final String CHARACTERS =
      "SELECT character_id AS id FROM victims UNION SELECT character_id FROM attackers";
  private static final String CORPORATIONS =
      "SELECT corporation_id AS id FROM victims" + " UNION SELECT corporation_id FROM attackers";
  private static final String ALLIANCES =
      "SELECT alliance_id AS id FROM victims UNION SELECT alliance_id FROM attackers";
  private static final String TYPES =
      "SELECT ship_type_id AS id FROM victims UNION SELECT ship_type_id FROM attackers"
          + " UNION SELECT weapon_type_id FROM attackers UNION SELECT item_type_id FROM killmail_items";
  // Mentioned entities that have no row of their own.
  private static final String UNRESOLVED =
      "SELECT "
          + unresolved(CHARACTERS, "characters")
          + " + "
          + unresolved(CORPORATIONS, "corporations")
          + " + "
          + unresolved(ALLIANCES, "alliances")
          + " + "
          + unresolved(TYPES, "types");

  private WorkerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = WorkerHarness.get();
    h.reset();
  }

  @Test
  void killmailsStoredWhileRedisIsDownHaveTheirInfoJobsQueuedWhenItReturns() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.startPersistent()) {
      Map<String, String> env = new HashMap<>(h.env);
      env.put("KILLBOARD_REDIS_URL", redis.uri());
      env.put("KILLBOARD_REDIS_RECONNECT_MAX", "300ms");
      FakeR2z2 feed = h.fakes.r2z2();
      h.sql(
          "INSERT INTO feed_state (feed, last_sequence) VALUES ('r2z2', "
              + feed.latestSequence()
              + ")");
      DeploymentOptions options =
          new DeploymentOptions()
              .setConfig(new JsonObject().put("env", new JsonObject(new HashMap<>(env))));
      String deployment = await(h.vertx.deployVerticle("worker:redisq-stream", options));
      List<String> infoWorkers = new ArrayList<>();
      JobQueue queue = null;
      try {
        List<FakeKillmail> killmails =
            List.of(
                h.fakes.universe().createKillmail(),
                h.fakes.universe().createKillmail(),
                h.fakes.universe().createKillmail());
        redis.stop();
        // All three at once: a stream reading between two publications would see a 404 while
        // sequence.json already
        // reports a later entry, and move past it as an upstream gap.
        synchronized (feed) {
          killmails.forEach(feed::publish);
        }
        eventually(
            DEADLINE,
            "three killmails stored while Redis is down",
            () -> h.count("SELECT count(*) FROM killmails") == 3);

        long characters = h.count(distinct(CHARACTERS));
        long corporations = h.count(distinct(CORPORATIONS));
        long alliances = h.count(distinct(ALLIANCES));
        long types = h.count(distinct(TYPES));
        assertThat(characters).isPositive();
        assertThat(types).isPositive();
        assertThat(outbox("character"))
            .as("characters waiting in the outbox")
            .isEqualTo(characters);
        assertThat(outbox("corporation")).isEqualTo(corporations);
        assertThat(outbox("alliance")).isEqualTo(alliances);
        assertThat(outbox("type")).isEqualTo(types);

        redis.restart();
        queue = await(JobQueue.connect(h.vertx, Env.read(env, QueueSettings::from)));
        JobQueue q = queue;
        eventually(
            DEADLINE,
            "the outbox relayed to Redis and emptied",
            () ->
                h.count("SELECT count(*) FROM entity_job_outbox") == 0
                    && await(q.depth(QueueNames.ESI_CHARACTER_INFO)).total() == characters);
        assertThat(await(q.depth(QueueNames.ESI_CHARACTER_INFO)).total()).isEqualTo(characters);
        assertThat(await(q.depth(QueueNames.ESI_CORPORATION_INFO)).total()).isEqualTo(corporations);
        assertThat(await(q.depth(QueueNames.ESI_ALLIANCE_INFO)).total()).isEqualTo(alliances);
        assertThat(await(q.depth(QueueNames.ESI_TYPE_INFO)).total()).isEqualTo(types);

        // Nobody runs a scan: the info workers resolve every name of the killmails stored during
        // the outage.
        for (String worker :
            List.of("info-characters", "info-corporations", "info-alliances", "info-types")) {
          infoWorkers.add(await(h.vertx.deployVerticle("worker:" + worker, options)));
        }
        eventually(
            Duration.ofSeconds(60),
            "every entity of the three killmails stored",
            () -> h.count(UNRESOLVED) == 0);
      } finally {
        for (String worker : infoWorkers) {
          h.undeploy(worker);
        }
        h.undeploy(deployment);
        if (queue != null) {
          await(queue.close());
        }
      }
    }
  }

  private static String distinct(String mentioned) {
    return "SELECT count(DISTINCT id) FROM (" + mentioned + ") m WHERE id IS NOT NULL";
  }

  private static String unresolved(String mentioned, String table) {
    return "(SELECT count(*) FROM ("
        + mentioned
        + ") m WHERE id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
        + table
        + " e WHERE e.id = m.id))";
  }

  private long outbox(String kind) throws Exception {
    return h.count("SELECT count(*) FROM entity_job_outbox WHERE kind = '" + kind + "'");
  }
}
