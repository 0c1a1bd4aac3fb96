package dev.killboard.worker;

import static dev.killboard.worker.WorkerHarness.await;
import static dev.killboard.worker.WorkerHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.embedded.EmbeddedRedis;
import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeR2z2;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.QueueNames;
import dev.killboard.queue.QueueSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Killmails stored while Redis is down keep the info jobs of their unknown entities in the outbox (written in the
 * killmails' transaction); when Redis is back the relay queues them and the outbox empties, with nobody running a
 * scan. Redis is this test's own (AOF), stopped and restarted for real.
 */
class RedisOutageOutboxTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  // The distinct unknown entities per kind, read from the stored killmails (nothing of them is stored yet).
  private static final String CHARACTERS = "SELECT count(DISTINCT id) FROM (SELECT character_id AS id FROM victims"
      + " UNION SELECT character_id FROM attackers) x WHERE id IS NOT NULL";
  private static final String CORPORATIONS = "SELECT count(DISTINCT id) FROM (SELECT corporation_id AS id FROM victims"
      + " UNION SELECT corporation_id FROM attackers) x WHERE id IS NOT NULL";
  private static final String ALLIANCES = "SELECT count(DISTINCT id) FROM (SELECT alliance_id AS id FROM victims"
      + " UNION SELECT alliance_id FROM attackers) x WHERE id IS NOT NULL";
  private static final String TYPES = "SELECT count(DISTINCT id) FROM (SELECT ship_type_id AS id FROM victims"
      + " UNION SELECT ship_type_id FROM attackers UNION SELECT weapon_type_id FROM attackers"
      + " UNION SELECT item_type_id FROM killmail_items) x WHERE id IS NOT NULL";

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
      h.sql("INSERT INTO feed_state (feed, last_sequence) VALUES ('r2z2', " + feed.latestSequence() + ")");
      String deployment = await(h.vertx.deployVerticle("worker:redisq-stream", new DeploymentOptions()
          .setConfig(new JsonObject().put("env", new JsonObject(new HashMap<>(env))))));
      JobQueue queue = null;
      try {
        List<FakeKillmail> killmails = List.of(h.fakes.universe().createKillmail(),
            h.fakes.universe().createKillmail(), h.fakes.universe().createKillmail());
        redis.stop();
        // All three at once: a stream reading between two publications would see a 404 while sequence.json already
        // reports a later entry, and move past it as an upstream gap.
        synchronized (feed) {
          killmails.forEach(feed::publish);
        }
        eventually(DEADLINE, "three killmails stored while Redis is down",
            () -> h.count("SELECT count(*) FROM killmails") == 3);

        long characters = h.count(CHARACTERS);
        long corporations = h.count(CORPORATIONS);
        long alliances = h.count(ALLIANCES);
        long types = h.count(TYPES);
        assertThat(characters).isPositive();
        assertThat(types).isPositive();
        assertThat(outbox("character")).as("characters waiting in the outbox").isEqualTo(characters);
        assertThat(outbox("corporation")).isEqualTo(corporations);
        assertThat(outbox("alliance")).isEqualTo(alliances);
        assertThat(outbox("type")).isEqualTo(types);

        redis.restart();
        queue = await(JobQueue.connect(h.vertx, QueueSettings.fromEnvironment(env)));
        JobQueue q = queue;
        eventually(DEADLINE, "the outbox relayed to Redis and emptied", () ->
            h.count("SELECT count(*) FROM entity_job_outbox") == 0
                && await(q.depth(QueueNames.ESI_CHARACTER_INFO)).total() == characters);
        assertThat(await(q.depth(QueueNames.ESI_CHARACTER_INFO)).total()).isEqualTo(characters);
        assertThat(await(q.depth(QueueNames.ESI_CORPORATION_INFO)).total()).isEqualTo(corporations);
        assertThat(await(q.depth(QueueNames.ESI_ALLIANCE_INFO)).total()).isEqualTo(alliances);
        assertThat(await(q.depth(QueueNames.ESI_TYPE_INFO)).total()).isEqualTo(types);
      } finally {
        h.undeploy(deployment);
        if (queue != null) {
          await(queue.close());
        }
      }
    }
  }

  private long outbox(String kind) throws Exception {
    return h.count("SELECT count(*) FROM entity_job_outbox WHERE kind = '" + kind + "'");
  }
}
