package dev.killboard.queue;

import static dev.killboard.testing.Await.await;

import dev.killboard.config.Env;
import dev.killboard.embedded.SharedServices;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Shared Vert.x, the shared real Redis, a fresh queue name per test (waiting: test-support's
 * Await).
 */
abstract class QueueTestSupport {

  static Vertx vertx;

  final String queue = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final List<JobQueue> opened = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeQueues() throws Exception {
    for (JobQueue q : opened) {
      q.close().await(20, TimeUnit.SECONDS);
    }
  }

  static String sharedRedisUrl() {
    return SharedServices.redis().uri();
  }

  /** Short timings so retries, reclaims and heartbeats happen within a test's patience. */
  static QueueSettings fast(String redisUrl, String... overrides) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KILLBOARD_REDIS_URL", redisUrl,
                "KILLBOARD_QUEUE_VISIBILITY_TIMEOUT", "1s",
                "KILLBOARD_QUEUE_MAX_ATTEMPTS", "3",
                "KILLBOARD_QUEUE_BACKOFF_BASE", "20ms",
                "KILLBOARD_QUEUE_BACKOFF_MAX", "200ms",
                "KILLBOARD_QUEUE_BLOCK_TIMEOUT", "500ms",
                "KILLBOARD_QUEUE_HEARTBEAT_INTERVAL", "200ms",
                "KILLBOARD_REDIS_RECONNECT_MIN", "50ms",
                "KILLBOARD_REDIS_RECONNECT_MAX", "500ms",
                "KILLBOARD_REDIS_CONNECT_TIMEOUT", "2s"));
    env.put("KILLBOARD_REDIS_COMMAND_TIMEOUT", "5s");
    for (int i = 0; i < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    return Env.read(env, QueueSettings::from);
  }

  JobQueue open(QueueSettings settings) {
    return open(vertx, settings);
  }

  JobQueue open(Vertx on, QueueSettings settings) {
    JobQueue q = await(JobQueue.connect(on, settings));
    opened.add(q);
    return q;
  }

  JobQueue openShared() {
    return open(fast(sharedRedisUrl()));
  }
}
