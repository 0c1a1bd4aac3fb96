package dev.killboard.budget.impl;

import dev.killboard.budget.BudgetExhaustedException;
import dev.killboard.budget.PermitHolder;
import dev.killboard.budget.PoolProfile;
import dev.killboard.budget.PoolStats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permits of one pool: takes them for physical connects, gives them back on close, keeps the
 * books and the log.
 */
public final class PoolAccount implements PermitGate {
  private static final Logger LOG = LoggerFactory.getLogger(PoolAccount.class);

  /**
   * The pool event log operators read: one logger for every pool's configured / opened / closed
   * lines.
   */
  public static final Logger EVENTS = LoggerFactory.getLogger("dev.killboard.budget.PoolEvents");

  private static final AtomicLong LEASE_IDS = new AtomicLong();
  private static final long FIRST_RETRY_MS = 250;
  private static final long MAX_RETRY_MS = 5_000;

  /**
   * An acquisition without a permit after this long is recorded as waiting (most get theirs at
   * once).
   */
  static final long WAIT_REPORT_MS = 200;

  /**
   * Attempts this close together count as one wait: a worker whose acquisition timed out in a
   * shortage tries again soon, and the status should say since when its pool has been waiting, not
   * since its latest attempt.
   */
  static final long WAIT_JOIN_MS = 5_000;

  private final String poolId;
  private final String owner;
  private final PoolProfile profile;
  private final ClassSemaphores semaphores;
  private final HolderRegistry registry;
  private final SessionFence fence;
  private final PoolActivity activity = new PoolActivity();
  private final Set<PermitLease> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger held = new AtomicInteger();
  private final List<Promise<Void>> drainWaiters = new CopyOnWriteArrayList<>();
  private final Set<PermitLease> returning = ConcurrentHashMap.newKeySet();

  /** Permits granted and neither given back nor forfeited: connecting, open, or closing. */
  private final Set<PermitLease> granted = ConcurrentHashMap.newKeySet();

  private final AtomicInteger acquiring = new AtomicInteger();
  // Guarded by this: when the current wait for a permit began (0: none) and when the latest attempt
  // of it gave up.
  private long waitingSince;
  private long waitGaveUpAt;

  public PoolAccount(
      String poolId,
      String owner,
      PoolProfile profile,
      ClassSemaphores semaphores,
      HolderRegistry registry,
      SessionFence fence) {
    this.poolId = poolId;
    this.owner = owner;
    this.profile = profile;
    this.semaphores = semaphores;
    this.registry = registry;
    this.fence = fence;
  }

  @Override
  public Future<PermitLease> acquire() {
    String cls = profile.budgetClass();
    return fence
        .beforeAcquire()
        .compose(
            v -> {
              startWaiting();
              // An acquire renews its session when the CP group receives it: from this moment on.
              long sentAt = System.nanoTime();
              return semaphores
                  .tryAcquire(cls, profile.connectionTimeout())
                  .transform(
                      ar -> {
                        PermitLease lease = null;
                        if (ar.succeeded() && ar.result() != CpSessions.NO_SESSION) {
                          fence.renewed(ar.result(), sentAt);
                          lease = new PermitLease(cls, LEASE_IDS.incrementAndGet(), ar.result());
                          granted.add(lease);
                          held.incrementAndGet();
                        }
                        acquiring.decrementAndGet();
                        endWaiting(lease != null);
                        publishHeld(held.get());
                        return ar.failed()
                            ? Future.<PermitLease>failedFuture(ar.cause())
                            : Future.succeededFuture(lease);
                      });
            })
        .compose(lease -> lease != null ? Future.succeededFuture(lease) : exhausted());
  }

  /**
   * An acquisition begins; if it is still without a permit shortly, the cluster-wide record says
   * this pool waits.
   */
  private synchronized void startWaiting() {
    long now = System.currentTimeMillis();
    if (acquiring.incrementAndGet() == 1
        && (waitingSince == 0 || now - waitGaveUpAt > WAIT_JOIN_MS)) {
      waitingSince = now;
    }
    semaphores
        .vertx()
        .setTimer(
            WAIT_REPORT_MS,
            id -> {
              if (acquiring.get() > 0) {
                publishHeld(held.get());
              }
            });
  }

  /**
   * An acquisition ended: with a permit the wait is over once none is left; without, the next
   * attempt continues it.
   */
  private synchronized void endWaiting(boolean granted) {
    if (acquiring.get() == 0) {
      if (granted) {
        waitingSince = 0;
      } else {
        waitGaveUpAt = System.currentTimeMillis();
      }
    }
  }

  private Future<PermitLease> exhausted() {
    String cls = profile.budgetClass();
    int size = semaphores.sizes().get(cls);
    // The true numbers: in use is what the semaphore says, holders what the pools of live members
    // recorded.
    return semaphores
        .blocking(
            () -> new Shortage(semaphores.semaphore(cls).availablePermits(), registry.holders(cls)))
        .recover(err -> Future.succeededFuture(new Shortage(-1, null)))
        .compose(
            shortage ->
                Future.failedFuture(
                    new BudgetExhaustedException(cls, shortage.describe(this, cls, size))));
  }

  /** What the cluster looked like when no permit came free: for a message with true numbers. */
  private record Shortage(int available, List<PermitHolder> holders) {
    String describe(PoolAccount account, String cls, int size) {
      String inUse =
          available < 0
              ? "the permits in use could not be read (CP group unreachable)"
              : (size - available) + " of " + size + " permits in use";
      String who;
      if (holders == null) {
        who = "holders could not be read";
      } else {
        int attributed = holders.stream().mapToInt(PermitHolder::held).sum();
        who =
            holders.isEmpty()
                ? "no live pool"
                : holders.stream().map(PermitHolder::toString).collect(Collectors.joining("; "));
        if (available >= 0 && attributed != size - available) {
          who +=
              " ("
                  + attributed
                  + " attributed to live pools: the rest are being acquired or returned, or belong to a"
                  + " member whose CP session has not expired yet)";
        }
      }
      return "["
          + account.profile.label()
          + "] No permit of budget class '"
          + cls
          + "' came free within "
          + account.profile.connectionTimeout().toSeconds()
          + "s for pool "
          + account.poolId
          + " ("
          + account.owner
          + "): "
          + inUse
          + ", held by "
          + who
          + ". The request was not started and can be retried; to allow more connections raise"
          + " the class in KILLBOARD_BUDGET_CLASSES (within the server's slots) or run fewer worker instances.";
    }
  }

  @Override
  public void opened(PermitLease lease, int backendPid) {
    open.add(lease);
    if (fence.isGone(lease.session())) {
      // Granted under a CP session that has ended since: the permit is gone, so the connection must
      // go too.
      if (lease.forfeit()) {
        granted.remove(lease);
        publishHeld(held.decrementAndGet());
      }
      return;
    }
    if (fence.unproven(lease.session())) {
      // Opened while this member cannot prove its session alive: closed at once, the close gives
      // the permit back.
      lease.closeConnection();
      return;
    }
    publishHeld(held.get()); // its backend pid, for the session guard
    // A new connection goes straight to the request that caused it: report the counts as of that
    // hand-off.
    PoolStats stats = stats().handedToWaiter();
    EVENTS.info(
        "[{}] Pool connection opened - Total: {}, Idle: {}, Waiting: {}",
        profile.label(),
        stats.total(),
        stats.idle(),
        stats.waiting());
  }

  @Override
  public void closed(PermitLease lease) {
    boolean wasOpen = open.remove(lease);
    // The permit counts as held until the semaphore has it back: drained() (and so pool close and
    // undeploy)
    // completes only then, never while the release is still on its way.
    lease.settle(
        l -> {
          returning.add(l);
          giveBack(l, FIRST_RETRY_MS);
        });
    if (wasOpen) {
      PoolStats stats = stats();
      EVENTS.info(
          "[{}] Pool connection closed - Total: {}, Idle: {}, Waiting: {}",
          profile.label(),
          stats.total(),
          stats.idle(),
          stats.waiting());
    }
  }

  /**
   * Releases the permit; while the CP group cannot be reached it keeps it (still held) and tries
   * again.
   */
  private void giveBack(PermitLease lease, long retryMs) {
    semaphores
        .release(lease.budgetClass(), lease.session())
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result() == ClassSemaphores.Returned.SESSION_GONE) {
                LOG.info(
                    "[{}] The permit of a closed connection belonged to CP session {}, which has ended: the CP group took it"
                        + " back with the session, so it is not released again",
                    profile.label(),
                    lease.session());
              }
              if (ar.succeeded() || ar.cause().getCause() instanceof RejectedExecutionException) {
                // Released, taken back with its session already, or the budget is closed (the
                // member's session ends with it).
                returned(lease);
                return;
              }
              if (!returning.contains(lease)) {
                return; // given up by abandonReturns()
              }
              if (retryMs == FIRST_RETRY_MS) {
                LOG.warn(
                    "[{}] Permit release did not reach the CP group ({}); the permit stays counted as held and the release is"
                        + " tried again",
                    profile.label(),
                    ar.cause().toString());
              }
              semaphores
                  .vertx()
                  .setTimer(retryMs, id -> giveBack(lease, Math.min(retryMs * 2, MAX_RETRY_MS)));
            });
  }

  private void returned(PermitLease lease) {
    if (returning.remove(lease)) {
      granted.remove(lease);
      publishHeld(held.decrementAndGet());
    }
  }

  /**
   * Stops trying to give back permits whose release cannot reach the CP group (shutdown without a
   * CP majority): the member's session expires after it has left and the CP group takes them back
   * then. Returns how many.
   */
  public int abandonReturns() {
    int n = 0;
    for (PermitLease lease : Set.copyOf(returning)) {
      if (returning.remove(lease)) {
        granted.remove(lease);
        n++;
        publishHeld(held.decrementAndGet());
      }
    }
    return n;
  }

  /**
   * Closes the connections of permits the CP group took back (their session ended); never releases
   * them.
   */
  int forfeit(Predicate<PermitLease> lost) {
    int count = 0;
    for (PermitLease lease : Set.copyOf(open)) {
      if (lost.test(lease) && lease.forfeit()) {
        granted.remove(lease);
        count++;
        publishHeld(held.decrementAndGet());
      }
    }
    return count;
  }

  /**
   * Closes the open connections of permits granted under {@code session}, without settling them:
   * each close gives its permit back (see {@link SessionFence}, the member's own fence). Returns
   * how many.
   */
  int closeUnder(long session) {
    int count = 0;
    for (PermitLease lease : Set.copyOf(open)) {
      if (lease.session() == session && !lease.settled()) {
        lease.closeConnection();
        count++;
      }
    }
    return count;
  }

  /** Adds the CP sessions of the permits this pool holds now. */
  void sessionsHeld(Set<Long> into) {
    for (PermitLease lease : granted) {
      if (!lease.settled()) {
        into.add(lease.session());
      }
    }
  }

  /**
   * Permits granted under {@code session} that the CP group still counts for us (not yet given
   * back).
   */
  long heldUnder(long session) {
    return granted.stream().filter(l -> l.session() == session).count();
  }

  /** Acquisitions under way that have no permit yet. */
  public int waiting() {
    return acquiring.get();
  }

  /** Whether an acquire or a release is on its way (counts may disagree for a moment). */
  boolean busy() {
    return acquiring.get() > 0 || !returning.isEmpty();
  }

  /** Records the current count again, so the cluster-wide record heals if a write was lost. */
  void republish() {
    publishHeld(held.get());
  }

  private synchronized void publishHeld(int now) {
    List<Integer> backends =
        open.stream()
            .filter(l -> !l.settled() && l.backendPid() > 0)
            .map(PermitLease::backendPid)
            .sorted()
            .toList();
    // Acquisitions count as waiting once the wait has lasted WAIT_REPORT_MS: most permits come at
    // once.
    int waiting = acquiring.get();
    boolean waits =
        waiting > 0
            && waitingSince > 0
            && System.currentTimeMillis() - waitingSince >= WAIT_REPORT_MS;
    registry.record(
        poolId,
        owner,
        profile.budgetClass(),
        now,
        backends,
        waits ? waiting : 0,
        waits ? waitingSince : 0);
    if (now == 0 && !drainWaiters.isEmpty()) {
      drainWaiters.forEach(Promise::tryComplete);
      drainWaiters.clear();
    }
  }

  /**
   * Completes once this pool holds no permit (after its connections closed and their permits were
   * given back).
   */
  public synchronized Future<Void> drained() {
    if (held.get() == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    drainWaiters.add(p);
    return p.future();
  }

  public PoolStats stats() {
    int total = open.size();
    int inUse = Math.min(total, activity.inUse());
    return new PoolStats(total, total - inUse, inUse, activity.waiting());
  }

  public PoolActivity activity() {
    return activity;
  }

  public int held() {
    return held.get();
  }

  public String poolId() {
    return poolId;
  }

  public String owner() {
    return owner;
  }

  public PoolProfile profile() {
    return profile;
  }
}
