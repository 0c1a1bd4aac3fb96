package dev.killboard.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How a test waits: for a future's result, or — for state no event announces (rows another process
 * commits, a remote count, a child's output) — by polling a condition until a deadline. Every wait
 * is bounded and fails with what it waited for.
 */
public final class Await {
  /**
   * The bound of a wait that names none: long enough for the slowest awaited step (a test archive's
   * import on a busy 2-core CI host), short enough to fail a hung test long before surefire's fork
   * timeout.
   */
  public static final Duration DEFAULT = Duration.ofSeconds(120);

  private static final long POLL_MILLIS = 20;

  private Await() {}

  /** A condition that may throw (a query, a file read). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * The result of {@code future} within {@link #DEFAULT}. Its failure is thrown as it is (a test
   * can assert on its type and message); a timeout fails the test.
   */
  public static <T> T await(Future<T> future) {
    return await(future, DEFAULT);
  }

  /**
   * The result of {@code future} within {@code within}; its failure is thrown as it is, a timeout
   * fails the test.
   */
  public static <T> T await(Future<T> future, Duration within) {
    try {
      return future.await(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + within, e);
    }
  }

  /**
   * The result of {@code future} within {@link #DEFAULT}; its failure is thrown as it is, a timeout
   * fails the test.
   */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (TimeoutException e) {
      throw new AssertionError("no completion within " + DEFAULT, e);
    }
  }

  /** The failure of a future that must fail within {@link #DEFAULT}; a success fails the test. */
  public static Throwable failure(Future<?> future) {
    try {
      future.await(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure, got success");
  }

  /**
   * Polls {@code condition} until it holds; fails the test after {@link #DEFAULT}, naming {@code
   * what}.
   */
  public static void eventually(String what, BooleanSupplier condition) {
    eventually(DEFAULT, what, condition::getAsBoolean);
  }

  /**
   * Polls {@code condition} until it holds; fails the test after {@code within}, naming {@code
   * what}.
   */
  public static void eventually(Duration within, String what, Condition condition) {
    long deadline = System.nanoTime() + within.toNanos();
    try {
      while (!condition.holds()) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("timed out after " + within + " waiting for: " + what);
        }
        pause();
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("while waiting for " + what + ": " + e, e);
    }
  }

  /**
   * Polls {@code value} until {@code ok} accepts it and returns it; fails after {@link #DEFAULT}
   * with the last value.
   */
  public static <T> T eventually(String what, Supplier<T> value, Predicate<T> ok) {
    return eventually(DEFAULT, what, value, ok);
  }

  /**
   * Polls {@code value} until {@code ok} accepts it and returns it; fails after {@code within} with
   * the last value.
   */
  public static <T> T eventually(Duration within, String what, Supplier<T> value, Predicate<T> ok) {
    long deadline = System.nanoTime() + within.toNanos();
    T last = value.get();
    while (!ok.test(last)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + within + " waiting for: " + what + " (last: " + last + ")");
      }
      pause();
      last = value.get();
    }
    return last;
  }

  /**
   * Polls {@code condition} until it holds or {@code within} passes and returns whether it held —
   * for a test that asserts with a message of its own (a child's output).
   */
  public static boolean holdsWithin(Duration within, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (condition.getAsBoolean()) {
        return true;
      }
      pause();
    }
    return condition.getAsBoolean();
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_MILLIS); // the poll interval of a condition that no event announces
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
