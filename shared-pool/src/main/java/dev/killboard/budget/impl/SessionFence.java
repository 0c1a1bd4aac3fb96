package dev.killboard.budget.impl;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.session.CPSession;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards against a member that lost its CP session (long GC pause, partition) while holding connections: the CP group
 * has given its permits to others already, so the member closes those connections before it takes permits again.
 *
 * <p>It watches this member's CP session in the default group (where the budget semaphores live) every heartbeat and
 * before each permit request; a session that vanished or changed while permits were held means they were taken back.
 */
public final class SessionFence {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFence.class);

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final Address local;
  private final List<PoolAccount> accounts = new CopyOnWriteArrayList<>();
  private final AtomicLong epoch = new AtomicLong();
  private final long timerId;
  private Long knownSession;
  private Future<Void> lastCheck = Future.succeededFuture();
  private volatile long lastCheckedAt;
  private final long checkEveryMillis;
  private final boolean sessionsListable;

  public SessionFence(Vertx vertx, io.vertx.core.internal.ContextInternal home, HazelcastInstance hz, long checkEveryMillis) {
    this.vertx = vertx;
    this.hz = hz;
    this.local = hz.getCluster().getLocalMember().getAddress();
    this.checkEveryMillis = checkEveryMillis;
    // In unsafe mode (no CP members) Hazelcast offers no session listing; a refused release is the only signal there.
    this.sessionsListable = hz.getConfig().getCPSubsystemConfig().getCPMemberCount() > 0;
    this.timerId = home.setPeriodic(checkEveryMillis, id -> checkNow());
  }

  public void register(PoolAccount account) {
    accounts.add(account);
  }

  public void unregister(PoolAccount account) {
    accounts.remove(account);
  }

  /** Current epoch; permits granted in an older epoch were forfeited. */
  public long epoch() {
    return epoch.get();
  }

  /** Completes when it is safe to take a permit: the last check is recent and any fencing it started is done. */
  public Future<Void> beforeAcquire() {
    if (System.currentTimeMillis() - lastCheckedAt > checkEveryMillis) {
      return checkNow();
    }
    return lastCheck;
  }

  /** Checks the session now; fences if the permits we hold were taken back. */
  public synchronized Future<Void> checkNow() {
    if (!lastCheck.isComplete()) {
      return lastCheck;
    }
    if (!sessionsListable || heldByMember() == 0) {
      knownSession = null;
      lastCheckedAt = System.currentTimeMillis();
      lastCheck = Future.succeededFuture();
      return lastCheck;
    }
    Promise<Void> done = Promise.promise();
    lastCheck = done.future();
    Future<Collection<CPSession>> sessions;
    try {
      sessions = Future.fromCompletionStage(
          hz.getCPSubsystem().getCPSessionManagementService().getAllSessions(CPGroup.DEFAULT_GROUP_NAME));
    } catch (RuntimeException e) {
      sessions = Future.failedFuture(e);
    }
    sessions.onComplete(ar -> {
          if (ar.succeeded()) {
            judge(ar.result());
          } else {
            LOG.debug("Could not list CP sessions: {}", ar.cause().toString());
          }
          lastCheckedAt = System.currentTimeMillis();
          done.complete();
        });
    return lastCheck;
  }

  /** A permit release was refused by the CP group: the session that held it is gone. */
  public void releaseRefused() {
    if (sessionsListable) {
      checkNow();
    } else {
      synchronized (this) {
        fence(-1);
      }
    }
  }

  private synchronized void judge(Collection<CPSession> sessions) {
    Optional<Long> mine = sessions.stream()
        .filter(s -> s.endpointType() == CPSession.CPSessionOwnerType.SERVER && local.equals(s.endpoint()))
        .map(CPSession::id)
        .findFirst();
    if (heldByMember() == 0) {
      knownSession = null;
      return;
    }
    // Permits held imply a live session: none, or a different one, means the CP group took them back.
    if (mine.isEmpty() || (knownSession != null && !mine.get().equals(knownSession))) {
      fence(knownSession == null ? -1 : knownSession);
      return;
    }
    knownSession = mine.get();
  }

  private void fence(long lostSession) {
    epoch.incrementAndGet();
    knownSession = null;
    int closed = accounts.stream().mapToInt(PoolAccount::forfeitAll).sum();
    LOG.error("CP session {} of this member expired while it held connections (GC pause or network partition?):"
        + " the cluster has reassigned its permits, so {} physical connection(s) were closed before taking new permits.",
        lostSession, closed);
  }

  private int heldByMember() {
    return accounts.stream().mapToInt(PoolAccount::held).sum();
  }

  public void close() {
    vertx.cancelTimer(timerId);
  }
}
