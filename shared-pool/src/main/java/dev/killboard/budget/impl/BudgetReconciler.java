package dev.killboard.budget.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import dev.killboard.budget.PermitHolder;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and repairs divergence between the semaphores' books and the connections that really exist,
 * never letting the cluster exceed its budget while doing so.
 *
 * <p>Invariant, per class: {@code available + permits held by live members' pools = class size}.
 * Every period each member re-records what its pools hold (so the cluster-wide record cannot stay
 * stale) and checks its own CP session: Hazelcast's count of what the session holds must equal the
 * permits this member's pools hold under it (an <em>orphan</em> is a permit the CP group counts for
 * us that no connection covers). The oldest member then audits every class. A divergence must
 * persist for the session TTL plus a grace period before anything is done, since a dead member's
 * permits come back by themselves when its session expires and acquires or releases in flight
 * explain short ones:
 *
 * <ul>
 *   <li>orphans on this member: its connections under that session are closed first, then the
 *       session is closed, so the CP group takes every permit of it back — the cluster never holds
 *       more connections than permits;
 *   <li>more permits available than the class size minus what live pools hold (a permit released
 *       twice): the class is reduced by the surplus, which can only lower what the cluster may
 *       open;
 *   <li>fewer (lost permits no live pool holds): reported with the holders, as they come back when
 *       the holding session ends or through the member's own orphan check.
 * </ul>
 */
public final class BudgetReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetReconciler.class);

  private final HazelcastInstance hz;
  private final ClassSemaphores semaphores;
  private final HolderRegistry registry;
  private final Collection<PoolAccount> accounts;
  private final java.util.function.LongUnaryOperator outsidePools;
  private final SessionFence fence;
  private final long patienceMillis;
  private final long timerId;
  private final ContextInternal home;
  private final Map<String, Divergence> divergences = new HashMap<>();
  private Orphans orphans;
  private boolean running;

  /**
   * {@code outsidePools}: the permits this member holds under a session outside its pools (work
   * such as migrations holding a permit for a connection of its own): they are covered, not
   * orphans, however long the work takes.
   */
  public BudgetReconciler(
      ContextInternal home,
      HazelcastInstance hz,
      ClassSemaphores semaphores,
      HolderRegistry registry,
      Collection<PoolAccount> accounts,
      java.util.function.LongUnaryOperator outsidePools,
      SessionFence fence,
      long periodMillis,
      long patienceMillis) {
    this.home = home;
    this.hz = hz;
    this.semaphores = semaphores;
    this.registry = registry;
    this.accounts = accounts;
    this.outsidePools = outsidePools;
    this.fence = fence;
    this.patienceMillis = patienceMillis;
    this.timerId = home.setPeriodic(periodMillis, id -> run());
  }

  /**
   * A divergent state of a class, since when it has stayed exactly so, and whether it was acted on.
   */
  record Divergence(int available, int held, long sinceMillis, boolean reported) {}

  /** Orphans seen on this member's session, and since when. */
  record Orphans(long session, long count, long sinceMillis) {}

  /** One audit round (runs on the home context; the blocking reads on the budget's threads). */
  Future<Void> run() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    accounts.forEach(PoolAccount::republish);
    return semaphores
        .blocking(this::readOwnSession)
        .compose(this::checkOrphans)
        .compose(
            v ->
                isOldestMember()
                    ? semaphores.blocking(this::readClasses).compose(this::audit)
                    : Future.succeededFuture())
        .onFailure(err -> LOG.debug("Budget audit skipped: {}", err.toString()))
        .eventually(
            () -> {
              running = false;
              return Future.succeededFuture();
            })
        .mapEmpty();
  }

  /**
   * Blocking: this member's session, Hazelcast's count of what it holds, and what our pools hold
   * under it.
   */
  private Orphans readOwnSession() {
    String cls = semaphores.sizes().keySet().iterator().next();
    long session = semaphores.currentSession(cls);
    if (session == CpSessions.NO_SESSION || accounts.stream().anyMatch(PoolAccount::busy)) {
      return null;
    }
    long counted = semaphores.localUseCount(cls);
    long ours =
        accounts.stream().mapToLong(a -> a.heldUnder(session)).sum()
            + outsidePools.applyAsLong(session);
    if (accounts.stream().anyMatch(PoolAccount::busy)
        || semaphores.currentSession(cls) != session) {
      return null; // something moved while we looked: judge next round
    }
    return new Orphans(session, counted - ours, System.currentTimeMillis());
  }

  private Future<Void> checkOrphans(Orphans seen) {
    if (seen == null || seen.count() <= 0) {
      orphans = null;
      return Future.succeededFuture();
    }
    if (orphans == null || orphans.session() != seen.session() || orphans.count() != seen.count()) {
      orphans = seen;
      return Future.succeededFuture();
    }
    if (seen.sinceMillis() - orphans.sinceMillis() < patienceMillis) {
      return Future.succeededFuture();
    }
    long session = seen.session();
    LOG.warn(
        "CP session {} of this member holds {} permit(s) that no connection of it covers; closing its connections"
            + " and the session so the CP group takes every permit of it back",
        session,
        seen.count());
    orphans = null;
    fence.retire(session);
    return semaphores
        .blocking(
            () ->
                hz.getCPSubsystem()
                    .getCPSessionManagementService()
                    .forceCloseSession(CPGroup.DEFAULT_GROUP_NAME, session)
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS))
        .mapEmpty();
  }

  private boolean isOldestMember() {
    return hz.getCluster().getMembers().iterator().next().localMember();
  }

  /** Blocking: per class, the permits available and what live pools hold. */
  private Map<String, int[]> readClasses() {
    Map<String, int[]> out = new HashMap<>();
    for (String cls : semaphores.sizes().keySet()) {
      int available = semaphores.semaphore(cls).availablePermits();
      List<PermitHolder> holders = registry.holders(cls);
      out.put(cls, new int[] {available, holders.stream().mapToInt(PermitHolder::held).sum()});
    }
    return out;
  }

  private Future<Void> audit(Map<String, int[]> classes) {
    long now = System.currentTimeMillis();
    Future<Void> repairs = Future.succeededFuture();
    for (Map.Entry<String, int[]> e : classes.entrySet()) {
      String cls = e.getKey();
      int size = semaphores.sizes().get(cls);
      int available = e.getValue()[0];
      int held = e.getValue()[1];
      Divergence before = divergences.get(cls);
      if (size - available - held == 0) {
        if (before != null && before.reported()) {
          LOG.info(
              "Budget class '{}' is consistent again: {} available + {} held = {}",
              cls,
              available,
              held,
              size);
        }
        divergences.remove(cls);
        continue;
      }
      // Acquires and releases in flight show as short divergences that change from one round to the
      // next: only a
      // state that stayed exactly the same for the whole patience period is judged.
      if (before == null || before.available() != available || before.held() != held) {
        divergences.put(cls, new Divergence(available, held, now, false));
        continue;
      }
      if (now - before.sinceMillis() < patienceMillis || before.reported()) {
        continue;
      }
      divergences.put(cls, new Divergence(available, held, before.sinceMillis(), true));
      int surplus = available + held - size;
      if (surplus > 0) {
        LOG.warn(
            "Budget class '{}' has {} permit(s) more available than its size allows ({} available, {} held by live"
                + " pools, size {}): reducing it by {}",
            cls,
            surplus,
            available,
            held,
            size,
            surplus);
        repairs =
            repairs.compose(
                v ->
                    semaphores.blocking(
                        () -> {
                          semaphores.semaphore(cls).reducePermits(surplus);
                          return null;
                        }));
      } else {
        LOG.warn(
            "Budget class '{}': {} permit(s) counted in use are held by no live pool ({} available, {} held, size"
                + " {}); they come back when the session holding them ends, or by its member's orphan check",
            cls,
            -surplus,
            available,
            held,
            size);
      }
    }
    return repairs;
  }

  public void close() {
    home.owner().cancelTimer(timerId);
  }
}
