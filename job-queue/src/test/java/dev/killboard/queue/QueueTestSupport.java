package dev.killboard.queue;

import dev.killboard.embedded.SharedServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.ArrayList;
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
