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
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>The member also fences itself, before its session could end: a permit is its own only while
 * its session lives, and the session lives at least a TTL from the last moment the CP group renewed
 * it. So the member renews it itself (Hazelcast's heartbeat, sent twice per heartbeat interval) and
 * keeps the proof on its own monotonic clock: a renewal sent at t proves the session until t + TTL.
 * When the proof is about to run out (a network partition, a CP group without a leader) the member
 * closes the connections of that session; their permits are given back when the CP group answers,
 * or were taken back with the session. Without this, a member cut off from the CP group kept its
 * connections when the other members' session guard could not end them in time (the CP group's
 * leader was on the cut side), while the CP group handed its permits to others
 * (NetworkPartitionIT).
 */
public final class SessionFence {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFence.class);
  private static final long OWN_CHECK_MILLIS = 250;

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

  // The member's own fence. Session id -> System.nanoTime() until which the CP group keeps it.
  private final Map<Long, Long> provenUntil = new ConcurrentHashMap<>();
  // Sessions whose connections were closed for want of proof -> the proof they had then (logged
  // once).
  private final Map<Long, Long> unprovenSince = new ConcurrentHashMap<>();
  // Renewals under way -> when they were sent (System.nanoTime()).
  private final Map<CompletableFuture<Object>, Long> renewals = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final long renewEveryNanos;
  private final long leadNanos;
  private final long ownTimerId;
  private long lastRenewalSent;

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
    var cp = hz.getConfig().getCPSubsystemConfig();
    this.ttlNanos = TimeUnit.SECONDS.toNanos(cp.getSessionTimeToLiveSeconds());
    long renewEveryMillis = Math.min(1_000, cp.getSessionHeartbeatIntervalSeconds() * 500L);
    this.renewEveryNanos = TimeUnit.MILLISECONDS.toNanos(renewEveryMillis);
    // Closing a connection ends its backend within milliseconds; the lead also covers this
    // timer's period and one renewal interval of a renewal under way.
    this.leadNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1_000, renewEveryMillis + 500));
    this.ownTimerId = home.setPeriodic(OWN_CHECK_MILLIS, id -> renewAndFenceSelf());
  }

  /**
   * The CP group renewed {@code session} no earlier than {@code sentAtNanos} (System.nanoTime()): a
   * renewal or an acquire sent then succeeded.
   */
  public void renewed(long session, long sentAtNanos) {
    long until = sentAtNanos + ttlNanos;
    provenUntil.merge(session, until, Math::max);
    Long fenced = unprovenSince.get(session);
    if (fenced != null
        && until - leadNanos > System.nanoTime()
        && unprovenSince.remove(session, fenced)) {
      LOG.info(
          "CP session {} of this member is renewed again: its pools take permits and connect again",
          session);
    }
  }

  /**
   * Whether this member cannot prove any more that {@code session} outlives the next moments: its
   * connections must close.
   */
  public boolean unproven(long session) {
    Long until = provenUntil.get(session);
    return until != null && System.nanoTime() - (until - leadNanos) >= 0;
  }

  /** Renews the sessions in use; closes the connections of a session whose proof runs out. */
  private void renewAndFenceSelf() {
    long now = System.nanoTime();
    Set<Long> current = new HashSet<>();
    for (String cls : semaphores.sizes().keySet()) {
      long session = semaphores.currentSession(cls);
      if (session == CpSessions.NO_SESSION) {
        continue;
      }
      current.add(session);
    }
    if (now - lastRenewalSent >= renewEveryNanos) {
      Set<Long> sent = new HashSet<>();
      for (String cls : semaphores.sizes().keySet()) {
        long session = semaphores.currentSession(cls);
        // Hazelcast's own rule: a session is renewed while this member uses it (permits or waits).
        if (session == CpSessions.NO_SESSION
            || semaphores.localUseCount(cls) == 0
            || !sent.add(session)) {
          continue;
        }
        lastRenewalSent = now;
        // Each round sends its own: one sent before a leader was lost may wait for Hazelcast's call
        // timeout, while a later one reaches the new leader.
        CompletableFuture<Object> renewal =
            semaphores.heartbeat(cls, session).toCompletableFuture();
        renewals.put(renewal, now);
        renewal.whenComplete(
            (ok, err) -> {
              renewals.remove(renewal);
              if (err == null) {
                renewed(session, now);
              }
            });
      }
    }
    // A renewal that could no longer prove anything is given up.
    renewals.forEach(
        (renewal, sentAt) -> {
          if (now - (sentAt + ttlNanos - leadNanos) >= 0) {
            renewals.remove(renewal);
            renewal.cancel(true);
          }
        });
    Set<Long> held = heldSessions();
    for (long session : held) {
      Long until = provenUntil.get(session);
      if (until == null || now - (until - leadNanos) < 0) {
        continue;
      }
      Map<String, Integer> closed = new TreeMap<>();
      for (PoolAccount account : accounts) {
        int n = account.closeUnder(session);
        if (n > 0) {
          closed.merge(account.profile().budgetClass(), n, Integer::sum);
        }
      }
      if (!closed.isEmpty() && !Objects.equals(unprovenSince.put(session, until), until)) {
        LOG.error(
            "CP session {} of this member was last renewed {} ms ago (network partition, or a CP group without a"
                + " leader?): closed its connections ({} per class) before the CP group could expire it and hand"
                + " their permits to others; the permits are given back when the CP group answers, or were taken"
                + " back with the session.",
            session,
            TimeUnit.NANOSECONDS.toMillis(now - (until - ttlNanos)),
            closed);
      }
    }
    provenUntil.keySet().removeIf(s -> !held.contains(s) && !current.contains(s));
    unprovenSince.keySet().removeIf(s -> !held.contains(s) && !current.contains(s));
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
    vertx.cancelTimer(ownTimerId);
    renewals.keySet().forEach(r -> r.cancel(true));
  }
}
