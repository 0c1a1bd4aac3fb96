package dev.killboard.budget.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.session.CPSession;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards against a member whose CP session ended while it held connections (long GC pause,
 * partition): the CP group took that session's permits back and may have granted them to others, so
 * the connections they covered are closed before the member takes permits again.
 *
 * <p>Every permit remembers the session that acquired it. A session counts as gone only on proof:
 * Hazelcast replaced it on this member (it does so only after the CP group answered "session
 * expired"), or a linearizable listing of the CP group's sessions no longer holds it (session ids
 * are never reused). A changed session is no proof — an idle member's session is retired and a new
 * one begins whenever its permit count falls to zero — so permits of a live session are never
 * forfeited, and a permit of a gone session is never released.
 */
public final class SessionFence {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFence.class);

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final ClassSemaphores semaphores;
  private final List<PoolAccount> accounts = new CopyOnWriteArrayList<>();
  private final Set<Long> gone = ConcurrentHashMap.newKeySet();
  private final long timerId;
  private final long checkEveryMillis;
  private final boolean sessionsListable;
  private Future<Void> lastCheck = Future.succeededFuture();
  private volatile long lastCheckedAt;

  public SessionFence(
      Vertx vertx,
      ContextInternal home,
      HazelcastInstance hz,
      ClassSemaphores semaphores,
      long checkEveryMillis) {
    this.vertx = vertx;
    this.hz = hz;
    this.semaphores = semaphores;
    this.checkEveryMillis = checkEveryMillis;
    // In unsafe mode (no CP members) Hazelcast offers no session listing; Hazelcast's own
    // replacement is the signal.
    this.sessionsListable = hz.getConfig().getCPSubsystemConfig().getCPMemberCount() > 0;
    this.timerId = home.setPeriodic(checkEveryMillis, id -> checkNow());
  }

  public void register(PoolAccount account) {
    accounts.add(account);
  }

  public void unregister(PoolAccount account) {
    accounts.remove(account);
  }

  /** Whether the session is known to be gone (its permits taken back by the CP group). */
  public boolean isGone(long session) {
    return gone.contains(session);
  }

  /**
   * Completes when it is safe to take a permit: the last check is recent and any fencing it started
   * is done.
   */
  public Future<Void> beforeAcquire() {
    if (System.currentTimeMillis() - lastCheckedAt > checkEveryMillis) {
      return checkNow();
    }
    return lastCheck;
  }

  /** Checks the sessions of the permits held now; fences those whose session is gone. */
  public synchronized Future<Void> checkNow() {
    if (!lastCheck.isComplete()) {
      return lastCheck;
    }
    Set<Long> held = heldSessions();
    if (held.isEmpty()) {
      lastCheckedAt = System.currentTimeMillis();
      return lastCheck = Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    lastCheck = done.future();
    semaphores
        .blocking(() -> judge(held))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                fence(ar.result());
              } else {
                LOG.debug("Could not check the CP sessions: {}", ar.cause().toString());
              }
              lastCheckedAt = System.currentTimeMillis();
              done.complete();
            });
    return lastCheck;
  }

  /** Blocking: which of the sessions our permits were granted under are gone. */
  private Set<Long> judge(Set<Long> held) throws Exception {
    Set<Long> current = new HashSet<>();
    for (String cls : semaphores.sizes().keySet()) {
      current.add(semaphores.currentSession(cls));
    }
    Set<Long> out = new HashSet<>();
    Set<Long> unsure = new HashSet<>();
    for (long session : held) {
      (current.contains(session) ? unsure : out).add(session);
    }
    if (sessionsListable && !unsure.isEmpty()) {
      Collection<CPSession> listed =
          hz.getCPSubsystem()
              .getCPSessionManagementService()
              .getAllSessions(CPGroup.DEFAULT_GROUP_NAME)
              .toCompletableFuture()
              .get(checkEveryMillis * 5, TimeUnit.MILLISECONDS);
      Set<Long> alive = listed.stream().map(CPSession::id).collect(Collectors.toSet());
      unsure.stream().filter(s -> !alive.contains(s)).forEach(out::add);
    }
    return out;
  }

  /**
   * Gives up a session that is still alive (orphans found on it): closes the connections it covers
   * and marks it gone, so nothing granted under it is released again once the CP group has taken
   * its permits back.
   */
  public synchronized void retire(long session) {
    fence(Set.of(session));
  }

  private void fence(Set<Long> lost) {
    if (lost.isEmpty()) {
      return;
    }
    gone.addAll(lost);
    Map<String, Integer> closed = new TreeMap<>();
    for (PoolAccount account : accounts) {
      int n = account.forfeit(lease -> lost.contains(lease.session()));
      if (n > 0) {
        closed.merge(account.profile().budgetClass(), n, Integer::sum);
      }
    }
    if (!closed.isEmpty()) {
      LOG.error(
          "CP session(s) {} of this member ended while they held connections (GC pause or network partition?):"
              + " the CP group took their permits back, so the connections they covered were closed ({} per class) before"
              + " taking new permits.",
          lost,
          closed);
    }
  }

  private Set<Long> heldSessions() {
    Set<Long> out = new HashSet<>();
    accounts.forEach(a -> a.sessionsHeld(out));
    return out;
  }

  public void close() {
    vertx.cancelTimer(timerId);
  }
}
