package dev.killboard.queue;

import dev.killboard.embedded.SharedServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Shared Vert.x, the shared real Redis, a fresh queue name per test and waiting helpers (no sleeps as sync). */
abstract class QueueTestSupport {

  static final Duration WAIT = Duration.ofSeconds(20);

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
    Map<String, String> env = new HashMap<>(Map.of(
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
    return QueueSettings.fromEnvironment(env);
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

  static <T> T await(Future<T> f) {
    try {
      return f.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not succeed within " + WAIT + ": " + e, e);
    }
  }

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no completion within " + WAIT + ": " + e, e);
    }
  }

  /** The failure of a future that must fail. */
  static Throwable failure(Future<?> f) {
    try {
      f.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure, got success");
  }

  /** Polls a condition that no event announces (Redis-side state) until it holds or the deadline passes. */
  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT + " waiting for: " + what);
      }
      pause();
    }
  }

  /** Polls a value until it matches. */
  static <T> T eventually(String what, Supplier<T> value, java.util.function.Predicate<T> ok) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    T last = value.get();
    while (!ok.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT + " waiting for: " + what + " (last: " + last + ")");
      }
      pause();
      last = value.get();
    }
    return last;
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
