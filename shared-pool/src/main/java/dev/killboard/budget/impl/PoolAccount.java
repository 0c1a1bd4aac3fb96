package dev.killboard.budget.impl;

import dev.killboard.budget.BudgetExhaustedException;
import dev.killboard.budget.PermitHolder;
import dev.killboard.budget.PoolProfile;
import dev.killboard.budget.PoolStats;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The permits of one pool: takes them for physical connects, gives them back on close, keeps the books and the log. */
public final class PoolAccount implements PermitGate {
  private static final Logger LOG = LoggerFactory.getLogger(PoolAccount.class);
  /** The pool event log operators read: one logger for every pool's configured / opened / closed lines. */
  public static final Logger EVENTS = LoggerFactory.getLogger("dev.killboard.budget.PoolEvents");
  private static final AtomicLong LEASE_IDS = new AtomicLong();

  private final String poolId;
  private final String owner;
  private final PoolProfile profile;
  private final ClassSemaphores semaphores;
  private final HolderRegistry registry;
  private final SessionFence fence;
  private final PoolActivity activity = new PoolActivity();
  private final Set<PermitLease> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger acquires = new AtomicInteger();
  private final AtomicInteger releases = new AtomicInteger();
  private final java.util.List<io.vertx.core.Promise<Void>> drainWaiters = new java.util.concurrent.CopyOnWriteArrayList<>();

  public PoolAccount(String poolId, String owner, PoolProfile profile, ClassSemaphores semaphores, HolderRegistry registry,
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
    return fence.beforeAcquire()
        .compose(v -> {
          long epoch = fence.epoch();
          return semaphores.tryAcquire(cls, profile.connectionTimeout()).map(granted -> granted ? epoch : -1L);
        })
        .compose(epoch -> {
          boolean granted = epoch >= 0;
          if (!granted) {
            return exhausted();
          }
          acquires.incrementAndGet();
          publishHeld(held.incrementAndGet());
          return Future.succeededFuture(new PermitLease(cls, LEASE_IDS.incrementAndGet(), epoch));
        });
  }

  private Future<PermitLease> exhausted() {
    String cls = profile.budgetClass();
    int size = semaphores.sizes().get(cls);
    return semaphores.blocking(() -> registry.holders(cls))
        .otherwiseEmpty()
        .compose(holders -> Future.failedFuture(new BudgetExhaustedException(cls, exhaustedMessage(cls, size, holders))));
  }

  private String exhaustedMessage(String cls, int size, List<PermitHolder> holders) {
    int inUse = holders == null ? size : holders.stream().mapToInt(PermitHolder::held).sum();
    String who = holders == null || holders.isEmpty() ? "holders unknown"
        : holders.stream().map(PermitHolder::toString).collect(Collectors.joining("; "));
    return "[" + profile.label() + "] No permit of budget class '" + cls + "' came free within "
        + profile.connectionTimeout().toSeconds() + "s for pool " + poolId + " (" + owner + "): " + inUse + " of " + size
        + " permits in use, held by " + who + ". The request was not started and can be retried; to allow more"
        + " connections raise the class in KILLBOARD_BUDGET_CLASSES (within the server's slots) or run fewer worker instances.";
  }

  @Override
  public void opened(PermitLease lease, int backendPid) {
    open.add(lease);
    if (lease.epoch() != fence.epoch()) {
      // Granted under a CP session that has since expired: the permit is gone, so the connection must go too.
      if (lease.forfeit()) {
        publishHeld(held.decrementAndGet());
      }
      return;
    }
    // A new connection goes straight to the request that caused it: report the counts as of that hand-off.
    PoolStats stats = stats().handedToWaiter();
    EVENTS.info("[{}] Pool connection opened - Total: {}, Idle: {}, Waiting: {}", profile.label(), stats.total(), stats.idle(),
        stats.waiting());
  }

  @Override
  public void closed(PermitLease lease) {
    boolean wasOpen = open.remove(lease);
    if (lease.epoch() != fence.epoch() && lease.forfeit()) {
      publishHeld(held.decrementAndGet());
    }
    // The permit counts as held until the semaphore has it back: drained() (and so pool close and undeploy)
    // completes only then, never while the release is still on its way.
    lease.settle(l -> semaphores.release(l.budgetClass()).onComplete(ar -> {
      if (ar.failed() && ar.cause().getCause() instanceof java.util.concurrent.RejectedExecutionException) {
        // The budget is closed: the member's CP session ends with it and the CP group takes the permit back.
        LOG.debug("[{}] Permit not released: the budget is closed", profile.label());
      } else if (ar.failed()) {
        // The CP group no longer counts this permit for us: our session expired. Fence before taking new ones.
        LOG.warn("[{}] Permit release refused ({}); checking the CP session", profile.label(), ar.cause().toString());
        fence.releaseRefused();
      }
      releases.incrementAndGet();
      publishHeld(held.decrementAndGet());
    }));
    if (wasOpen) {
      PoolStats stats = stats();
      EVENTS.info("[{}] Pool connection closed - Total: {}, Idle: {}, Waiting: {}", profile.label(), stats.total(), stats.idle(),
          stats.waiting());
    }
  }

  /** The member's CP session expired: the CP group took these permits back; close their connections, never release them. */
  int forfeitAll() {
    int count = 0;
    for (PermitLease lease : Set.copyOf(open)) {
      if (lease.forfeit()) {
        count++;
        publishHeld(held.decrementAndGet());
      }
    }
    return count;
  }

  private synchronized void publishHeld(int now) {
    registry.record(poolId, owner, profile.budgetClass(), now);
    if (now == 0 && !drainWaiters.isEmpty()) {
      drainWaiters.forEach(io.vertx.core.Promise::tryComplete);
      drainWaiters.clear();
    }
  }

  /** Completes once this pool holds no permit (after its connections closed and their permits were given back). */
  public synchronized Future<Void> drained() {
    if (held.get() == 0) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
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

  public int acquires() {
    return acquires.get();
  }

  public int releases() {
    return releases.get();
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
