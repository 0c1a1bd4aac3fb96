package dev.killboard.budget.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.ISemaphore;
import com.hazelcast.map.IMap;
import dev.killboard.budget.BudgetSettings;
import dev.killboard.config.ConfigurationException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Hazelcast CP ISemaphore (session-aware) per budget class. Every call blocks inside Hazelcast,
 * so every call runs on threads of the budget's own, never on an event loop; waits there are
 * bounded by the caller's timeout. The threads belong to the budget rather than to a Vert.x worker
 * executor, which a verticle's undeploy would close.
 */
public final class ClassSemaphores {
  /** Prefix of the CP semaphore names; the class name follows. */
  public static final String SEMAPHORE_PREFIX = "killboard.budget.";

  /**
   * Cluster-wide record of each class's size, so members with different settings refuse to start.
   */
  public static final String CLASS_SIZES_MAP = "killboard.budget.classes";

  private final Vertx vertx;
  private final ExecutorService executor;
  private final Map<String, ISemaphore> semaphores;
  private final Map<String, Integer> sizes;
  private final CpSessions sessions;

  private ClassSemaphores(
      Vertx vertx,
      ExecutorService executor,
      Map<String, ISemaphore> semaphores,
      Map<String, Integer> sizes,
      CpSessions sessions) {
    this.vertx = vertx;
    this.executor = executor;
    this.semaphores = semaphores;
    this.sizes = sizes;
    this.sessions = sessions;
  }

  /** What became of a permit given back. */
  public enum Returned {
    /** The CP group has it back. */
    RELEASED,
    /**
     * The CP group took it back already, with the session that held it (expired or closed): nothing
     * to release.
     */
    SESSION_GONE
  }

  /**
   * Joins (or creates) the class semaphores; fails when the cluster already runs the classes with
   * other sizes.
   */
  public static Future<ClassSemaphores> join(
      Vertx vertx, HazelcastInstance hz, BudgetSettings settings) {
    // Waits block a thread each: size the pool so every permit of the process can be awaited at
    // once.
    int threads = Math.max(8, settings.total() + 8);
    AtomicInteger seq = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "killboard-budget-" + seq.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return run(
            vertx,
            executor,
            () -> {
              IMap<String, Integer> recorded = hz.getMap(CLASS_SIZES_MAP);
              Map<String, ISemaphore> semaphores = new LinkedHashMap<>();
              for (Map.Entry<String, Integer> e : settings.classes().entrySet()) {
                Integer existing = recorded.putIfAbsent(e.getKey(), e.getValue());
                if (existing != null && !existing.equals(e.getValue())) {
                  throw new ConfigurationException(
                      "This member configures budget class '"
                          + e.getKey()
                          + "' with "
                          + e.getValue()
                          + " permits, but the running cluster uses "
                          + existing
                          + ". Align KILLBOARD_BUDGET_CLASSES on every member"
                          + " (a change of sizes needs the whole cluster restarted).");
                }
                ISemaphore semaphore =
                    hz.getCPSubsystem().getSemaphore(SEMAPHORE_PREFIX + e.getKey());
                // init() is a no-op (false) once any member initialised it.
                semaphore.init(e.getValue());
                semaphores.put(e.getKey(), semaphore);
              }
              return new ClassSemaphores(
                  vertx,
                  executor,
                  semaphores,
                  new LinkedHashMap<>(settings.classes()),
                  CpSessions.of(hz));
            })
        .onFailure(err -> executor.shutdown());
  }

  private static <T> Future<T> run(Vertx vertx, ExecutorService executor, Callable<T> work) {
    // Completes on the caller's context, like executeBlocking does.
    Promise<T> promise = ((VertxInternal) vertx).getOrCreateContext().promise();
    try {
      executor.execute(
          () -> {
            try {
              promise.complete(work.call());
            } catch (Throwable t) {
              promise.fail(t);
            }
          });
    } catch (RejectedExecutionException e) {
      // The budget is closed: the member's CP session ends with it, and the CP group takes its
      // permits back.
      promise.fail(new IllegalStateException("connection budget closed", e));
    }
    return promise.future();
  }

  /**
   * Waits up to {@code timeout} for one permit; completes with the CP session that holds it, or
   * {@link CpSessions#NO_SESSION} when none came free. The session cannot change between the grant
   * and the read: while it counts the new permit it is in use, and Hazelcast replaces only sessions
   * not in use or expired.
   */
  public Future<Long> tryAcquire(String budgetClass, Duration timeout) {
    ISemaphore semaphore = semaphore(budgetClass);
    return blocking(
        () ->
            semaphore.tryAcquire(1, timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? sessions.current(semaphore)
                : CpSessions.NO_SESSION);
  }

  /**
   * Gives back one permit acquired under {@code session}, exactly once: a permit whose session is
   * gone was taken back by the CP group already and is not released again (that would free a permit
   * of the session's successor). Fails only when the CP group could not be reached; the permit is
   * then still held and the release may be tried again.
   */
  public Future<Returned> release(String budgetClass, long session) {
    ISemaphore semaphore = semaphore(budgetClass);
    return blocking(
        () -> {
          if (sessions.current(semaphore) != session) {
            return Returned.SESSION_GONE;
          }
          try {
            semaphore.release();
            return Returned.RELEASED;
          } catch (IllegalStateException e) {
            // "No valid session" (expired) or "acquired less than 1 permit" (closed and cleared):
            // not ours any more.
            return Returned.SESSION_GONE;
          } catch (RuntimeException e) {
            sessions.restoreUseAfterFailedRelease(semaphore, session);
            throw e;
          }
        });
  }

  /**
   * Blocking-free: Hazelcast's local count of what this member's current session holds (all
   * classes).
   */
  public long localUseCount(String budgetClass) {
    return sessions.localUseCount(semaphore(budgetClass));
  }

  /**
   * The session this member's permits of the class are held under now, or {@link
   * CpSessions#NO_SESSION}.
   */
  public long currentSession(String budgetClass) {
    return sessions.current(semaphore(budgetClass));
  }

  /**
   * Renews the class's CP session {@code session} now (non-blocking); completes when the CP group
   * did (see {@link CpSessions#heartbeat}).
   */
  public java.util.concurrent.CompletionStage<Object> heartbeat(String budgetClass, long session) {
    return sessions.heartbeat(semaphore(budgetClass), session);
  }

  /** Permits of the class not held by anyone in the cluster right now. */
  public Future<Integer> available(String budgetClass) {
    ISemaphore semaphore = semaphore(budgetClass);
    return blocking(semaphore::availablePermits);
  }

  /**
   * Runs other blocking Hazelcast work on the budget's threads; fails (never throws) once the
   * budget is closed.
   */
  public <T> Future<T> blocking(Callable<T> work) {
    return run(vertx, executor, work);
  }

  public Map<String, Integer> sizes() {
    return sizes;
  }

  public ISemaphore semaphore(String budgetClass) {
    ISemaphore s = semaphores.get(budgetClass);
    if (s == null) {
      throw new ConfigurationException(
          "Unknown budget class '"
              + budgetClass
              + "'; configured classes are "
              + semaphores.keySet()
              + ".");
    }
    return s;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Future<Void> close() {
    executor.shutdown();
    return Future.succeededFuture();
  }
}
