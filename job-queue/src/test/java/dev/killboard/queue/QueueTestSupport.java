package dev.killboard.queue;

import static dev.killboard.testing.Await.await;

import dev.killboard.embedded.SharedServices;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Shared Vert.x, the shared real Redis, a fresh queue name per test (waiting: test-support's Await). */
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
  static QueueSettings.Builder fast(String redisUrl) {
    return QueueSettings.builder()
      .redisUrl(redisUrl)
      .visibilityTimeout(Duration.ofSeconds(1))
      .maxAttempts(3)
      .backoffBase(Duration.ofMillis(20))
      .backoffMax(Duration.ofMillis(200))
      .blockTimeout(Duration.ofMillis(500))
      .heartbeatInterval(Duration.ofMillis(200))
      .reconnectMin(Duration.ofMillis(50))
      .reconnectMax(Duration.ofMillis(500))
      .connectTimeout(Duration.ofSeconds(2))
      .commandTimeout(Duration.ofSeconds(5));
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
    return open(fast(sharedRedisUrl()).build());
  }
}
