package dev.killboard.budget;

import com.hazelcast.core.HazelcastInstance;
import dev.killboard.budget.impl.BudgetMeters;
import dev.killboard.budget.impl.BudgetReconciler;
import dev.killboard.budget.impl.CallerContext;
import dev.killboard.budget.impl.ClassSemaphores;
import dev.killboard.budget.impl.CpSessions;
import dev.killboard.budget.impl.HolderRegistry;
import dev.killboard.budget.impl.PermitGatedPgDriver;
import dev.killboard.budget.impl.PoolAccount;
import dev.killboard.budget.impl.ServerLimits;
import dev.killboard.budget.impl.SessionFence;
import dev.killboard.budget.impl.SessionGuard;
import dev.killboard.budget.impl.WarmKeeper;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.cluster.RaftLeaderHints;
import dev.killboard.config.ConfigurationException;
import dev.killboard.runtime.PerVertx;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide budget of physical PostgreSQL connections, as seen from one clustered Vert.x
 * instance.
 *
 * <p>Every pool it opens is vertx-pg-client's own Pool; each physical connection takes one permit
 * of its class's Hazelcast CP semaphore before it is opened and gives it back only after it has
 * closed. The cluster therefore never holds more connections than the budget, whatever the number
 * of processes and verticle instances.
 */
public final class ConnectionBudget {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionBudget.class);
  private static final PerVertx<Future<ConnectionBudget>> BY_VERTX =
      PerVertx.of("connection budget");
  private static final long CLOSE_RELEASE_DEADLINE_MS = 8_000;
  private static final long UNDEPLOY_DEADLINE_MS = 15_000;

  /** Cluster-wide record of each database's connection limits, read once by the first member. */
  public static final String SERVER_LIMITS_MAP = "killboard.budget.server";

  private final Vertx vertx;
  private final BudgetSettings settings;
  private final ClassSemaphores semaphores;
  private final HolderRegistry registry;
  private final SessionFence fence;
  private final long leaderHintsTimer;
  private final BudgetReconciler reconciler;
  private final SessionGuard guard;
  private final long snapshotTimer;
  private final AtomicBoolean snapshotting = new AtomicBoolean();
  private final BudgetMeters meters;

  /**
   * A context of the budget's own: its timers and shared pools must outlive any one verticle's
   * deployment.
   */
  private final io.vertx.core.internal.ContextInternal home;

  private final Map<String, SharedPool> shared = new ConcurrentHashMap<>();
  private final Map<String, PoolAccount> accounts = new ConcurrentHashMap<>();

  /**
   * Permits held outside any pool ({@link #withPermit}), per CP session: the reconciler counts them
   * as covered.
   */
  private final Map<Long, AtomicInteger> oneShotPermits = new ConcurrentHashMap<>();

  private final Set<PhysicalPool> physicals = ConcurrentHashMap.newKeySet();
  private final AtomicInteger poolSeq = new AtomicInteger();
  private volatile Future<ServerLimits> serverCheck;
  // Vert.x runs close hooks before it undeploys: the verticles that use the pools are stopped first
  // (they stop taking jobs and finish or hand back what they hold), then the pools close and give
  // their permits back.
  private final io.vertx.core.Closeable closeHook =
      completion ->
          undeployAll().eventually(this::closeOnce).onComplete(ar -> completion.succeed());
  private Future<Void> closing;

  private ConnectionBudget(
      Vertx vertx, BudgetSettings settings, ClassSemaphores semaphores, HolderRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.semaphores = semaphores;
    this.registry = registry;
    HazelcastInstance hz = ClusteredVertx.hazelcast(vertx);
    this.home = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
    this.fence = new SessionFence(vertx, home, hz, semaphores, 2_000);
    // A cut-off Raft leader would otherwise receive every CP call of this member until Hazelcast's
    // 60 s call timeout (RaftLeaderHints).
    RaftLeaderHints hints = RaftLeaderHints.of(hz);
    this.leaderHintsTimer = home.setPeriodic(250, id -> hints.refresh());
    this.meters = new BudgetMeters(this, semaphores, home);
    // Divergence must outlast a dead member's session (its permits come back by themselves) before
    // it is repaired.
    long ttl = hz.getConfig().getCPSubsystemConfig().getSessionTimeToLiveSeconds() * 1000L;
    this.reconciler =
        new BudgetReconciler(
            home,
            hz,
            semaphores,
            registry,
            accounts.values(),
            session -> oneShotPermits.getOrDefault(session, new AtomicInteger()).get(),
            fence,
            2_000,
            ttl + 5_000);
    // The holders' snapshot: refreshed each second, one read at a time, never waited for by a
    // permit request.
    this.snapshotTimer =
        home.setPeriodic(
            1_000,
            id -> {
              if (snapshotting.compareAndSet(false, true)) {
                semaphores
                    .blocking(
                        () -> {
                          registry.refresh();
                          return null;
                        })
                    .onComplete(ar -> snapshotting.set(false));
              }
            });
    this.guard =
        new SessionGuard(
            home,
            hz,
            semaphores,
            registry,
            () -> physicals.stream().findFirst().map(p -> p.pool).orElse(null));
    // Closing Vert.x closes the budget too, before the member leaves the cluster, so permits go
    // back at once.
    ((io.vertx.core.internal.VertxInternal) vertx).addCloseHook(closeHook);
  }

  /** The budget of this Vert.x instance, joined on first call; later calls return the same one. */
  public static Future<ConnectionBudget> forVertx(Vertx vertx, BudgetSettings settings) {
    Future<ConnectionBudget> budget = BY_VERTX.get(vertx, v -> start(v, settings));
    // A failed start is forgotten so that the next call (with corrected settings) tries again.
    budget.onFailure(err -> BY_VERTX.removeIf(vertx, f -> f == budget));
    return CallerContext.deliver(budget);
  }

  /**
   * Joins the cluster's budget semaphores (creating them on first use) after validating the
   * settings.
   */
  public static Future<ConnectionBudget> start(Vertx vertx, BudgetSettings settings) {
    try {
      settings.validate();
    } catch (ConfigurationException e) {
      return Future.failedFuture(e);
    }
    HazelcastInstance hz;
    try {
      hz = ClusteredVertx.hazelcast(vertx);
    } catch (IllegalStateException e) {
      return Future.failedFuture(
          new ConfigurationException(
              "The connection budget needs a clustered Vert.x instance with the"
                  + " Hazelcast cluster manager (start with -cluster, or ClusteredVertx.start): "
                  + e.getMessage()));
    }
    return vertx
        .<HolderRegistry>executeBlocking(() -> HolderRegistry.open(hz), false)
        .compose(
            registry ->
                ClassSemaphores.join(vertx, hz, settings)
                    .map(semaphores -> new ConnectionBudget(vertx, settings, semaphores, registry)))
        .onSuccess(b -> LOG.info("Joined the connection budget: {}", settings));
  }

  /**
   * A worker verticle instance's own pool, with the worker profile of the settings (env overrides
   * applied).
   */
  public Future<BudgetedPool> openWorkerPool(String owner) {
    return openPool(settings.workerProfile(), owner);
  }

  /** Opens a pool of its own for one verticle instance (workers: one pool each). */
  public Future<BudgetedPool> openPool(PoolProfile profile, String owner) {
    try {
      profile.validate(settings);
    } catch (ConfigurationException e) {
      return Future.failedFuture(e);
    }
    PhysicalPool physical = createPool(profile, owner);
    return CallerContext.deliver(
        checkServer(physical)
            .map(v -> (BudgetedPool) physical.handle())
            .recover(err -> physical.closeNow().transform(ar -> Future.failedFuture(err))));
  }

  /**
   * One pool per Vert.x instance and profile, shared by every caller (API instances); each caller
   * gets a handle to close.
   */
  public Future<BudgetedPool> sharedPool(PoolProfile profile, String owner) {
    try {
      profile.validate(settings);
    } catch (ConfigurationException e) {
      return Future.failedFuture(e);
    }
    String key = profile.label() + "/" + profile.budgetClass();
    SharedPool entry = shared.computeIfAbsent(key, k -> new SharedPool(k, profile, owner));
    return CallerContext.deliver(entry.open());
  }

  private PhysicalPool createPool(PoolProfile profile, String owner) {
    String poolId =
        profile.budgetClass()
            + "-"
            + poolSeq.incrementAndGet()
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    PoolAccount account = new PoolAccount(poolId, owner, profile, semaphores, registry, fence);
    PoolOptions options =
        new PoolOptions()
            .setName("killboard-" + poolId)
            .setMaxSize(profile.maxSize())
            .setIdleTimeout((int) profile.idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setMaxLifetime((int) profile.maxLifetime().toMillis())
            .setMaxLifetimeUnit(TimeUnit.MILLISECONDS)
            // The pool's wait includes the permit wait, which is itself bounded by the same
            // timeout.
            .setConnectionTimeout((int) profile.connectionTimeout().toMillis() * 2)
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
            .setPoolCleanerPeriod(500);
    Pool pool =
        ClientBuilder.pool(
                new PermitGatedPgDriver(account, account.activity(), profile.pipelined()))
            .with(options)
            .connectingTo(
                settings
                    .database()
                    .connectOptions(
                        SessionGuard.applicationName(
                            profile.label().toLowerCase(),
                            ClusteredVertx.hazelcast(vertx)
                                .getCluster()
                                .getLocalMember()
                                .getAddress()
                                .toString(),
                            owner)))
            .using(vertx)
            .build();
    accounts.put(poolId, account);
    fence.register(account);
    meters.poolOpened(account);
    PoolAccount.EVENTS.info(
        "[{}] PostgreSQL pool configured: max={} connections, min={}, idleTimeout={}s, pid={}",
        profile.label(),
        profile.maxSize(),
        profile.minSize(),
        profile.idleTimeout().toSeconds(),
        ProcessHandle.current().pid());
    WarmKeeper keeper =
        profile.minSize() > 0 ? new WarmKeeper(vertx, home, pool, account, profile) : null;
    PhysicalPool physical = new PhysicalPool(pool, account, keeper);
    physicals.add(physical);
    return physical;
  }

  private Future<Void> checkServer(PhysicalPool physical) {
    Future<ServerLimits> check = serverCheck;
    if (check == null) {
      synchronized (this) {
        if (serverCheck == null) {
          // Only limits that passed a check are recorded: a failed check reads the server again
          // next time.
          serverCheck =
              readLimits(physical.pool, false).map(this::checked).compose(this::recordLimits);
          serverCheck.onFailure(err -> serverCheck = null);
        }
        check = serverCheck;
      }
    }
    return check.mapEmpty();
  }

  private ServerLimits checked(ServerLimits limits) {
    limits.check(settings);
    return limits;
  }

  // The first member to read the server's limits records them for the cluster: a member started
  // during a shortage checks its settings against that record instead of waiting for a permit
  // before it may start.
  private String limitsKey() {
    DatabaseSettings db = settings.database();
    return db.host() + ":" + db.port() + "/" + db.database() + "?user=" + db.user();
  }

  private Future<ServerLimits> recordedLimits() {
    HazelcastInstance hz = ClusteredVertx.hazelcast(vertx);
    return semaphores.blocking(
        () -> {
          String json = hz.<String, String>getMap(SERVER_LIMITS_MAP).get(limitsKey());
          return json == null
              ? null
              : ServerLimits.fromJson(new io.vertx.core.json.JsonObject(json));
        });
  }

  private Future<ServerLimits> recordLimits(ServerLimits limits) {
    HazelcastInstance hz = ClusteredVertx.hazelcast(vertx);
    return semaphores.blocking(
        () -> {
          hz.<String, String>getMap(SERVER_LIMITS_MAP).put(limitsKey(), limits.toJson().encode());
          return limits;
        });
  }

  /**
   * Reads the limits through the pool (which also proves the credentials). During a shortage the
   * limits another member recorded serve instead, so the member starts without a connection;
   * without a record, and while the server is unreachable, it waits, logging once.
   */
  private Future<ServerLimits> readLimits(Pool pool, boolean waitLogged) {
    return ServerLimits.read(pool)
        .recover(
            err -> {
              // No permit in time, or the pool's own wait (which includes the permit wait) ran out
              // first on a busy machine.
              boolean shortage = ConnectionShortage.is(err);
              if (!shortage && !unreachable(err)) {
                return Future.failedFuture(err);
              }
              Future<ServerLimits> recorded =
                  shortage ? recordedLimits() : Future.succeededFuture();
              return recorded.compose(
                  limits -> {
                    if (limits != null) {
                      LOG.info(
                          "No connection permit free to read the server's limits: checking against the limits the cluster"
                              + " recorded ({})",
                          err.getMessage());
                      return Future.succeededFuture(limits);
                    }
                    if (!waitLogged) {
                      LOG.warn(
                          "Waiting to read the server's connection limits before the first pool of this member serves: {}",
                          err.getMessage());
                    }
                    Promise<Void> later = Promise.promise();
                    vertx.setTimer(shortage ? 1 : 2_000, id -> later.complete());
                    return later.future().compose(v -> readLimits(pool, true));
                  });
            });
  }

  private static boolean unreachable(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException
          || t instanceof io.vertx.core.VertxException
              && String.valueOf(t.getMessage()).contains("Connection refused")
          || t instanceof io.vertx.pgclient.PgException pg
              && pg.getSqlState() != null
              && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P0"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs blocking work that opens a physical connection of its own outside any pool (Flyway's JDBC
   * connection, an import's COPY) while holding one permit of {@code budgetClass}, so that
   * connection counts against the budget too. The work runs on the budget's threads; the permit is
   * given back when it ends, however it ends.
   */
  public <T> Future<T> withPermit(String budgetClass, String owner, Callable<T> work) {
    Integer size = semaphores.sizes().get(budgetClass);
    if (size == null) {
      return Future.failedFuture(
          new ConfigurationException(
              "Unknown budget class '"
                  + budgetClass
                  + "'; configured classes are "
                  + semaphores.sizes().keySet()
                  + "."));
    }
    String id = budgetClass + "-oneshot-" + poolSeq.incrementAndGet();
    java.time.Duration timeout =
        budgetClass.equals(PoolProfile.API_CLASS)
            ? settings.apiProfile().connectionTimeout()
            : settings.workerProfile().connectionTimeout();
    return CallerContext.deliver(
        semaphores
            .tryAcquire(budgetClass, timeout)
            .compose(
                session -> {
                  if (session == CpSessions.NO_SESSION) {
                    return Future.failedFuture(
                        new BudgetExhaustedException(
                            budgetClass,
                            "No permit of budget class '"
                                + budgetClass
                                + "' came free within "
                                + timeout.toSeconds()
                                + "s for "
                                + owner
                                + "; it was not started and can be retried."));
                  }
                  registry.record(id, owner, budgetClass, 1);
                  // Counted as this member's, outside its pools: work that waits long (a migration
                  // behind Flyway's lock on a busy
                  // machine) must not look like an orphan permit to the reconciler.
                  oneShotPermits
                      .computeIfAbsent(session, s -> new AtomicInteger())
                      .incrementAndGet();
                  return semaphores
                      .blocking(work)
                      .eventually(
                          () -> {
                            registry.record(id, owner, budgetClass, 0);
                            return semaphores
                                .release(budgetClass, session)
                                .eventually(
                                    () -> {
                                      oneShotPermits.computeIfPresent(
                                          session, (s, n) -> n.decrementAndGet() <= 0 ? null : n);
                                      return Future.succeededFuture();
                                    })
                                .mapEmpty();
                          });
                }));
  }

  /**
   * Like {@link #withPermit}, but a shortage means waiting as long as it takes (logged once, with
   * who holds the permits), never failing: for start-up work such as migrations, which must not
   * fail a deployment over a shortage.
   */
  public <T> Future<T> withPermitWhenFree(String budgetClass, String owner, Callable<T> work) {
    // Recorded as a waiter for the status (budget status, /budget) from its first shortage until it
    // got its permit.
    String waiter = budgetClass + "-waiting-" + poolSeq.incrementAndGet();
    long since = System.currentTimeMillis();
    Callable<T> granted =
        () -> {
          registry.record(
              waiter,
              owner,
              budgetClass,
              0,
              List.of(),
              0,
              0); // it holds its permit now: no longer waiting
          return work.call();
        };
    return withPermitWhenFree(budgetClass, owner, granted, false, waiter, since)
        .onComplete(ar -> registry.record(waiter, owner, budgetClass, 0, List.of(), 0, 0));
  }

  private <T> Future<T> withPermitWhenFree(
      String budgetClass,
      String owner,
      Callable<T> work,
      boolean waitLogged,
      String waiter,
      long since) {
    return withPermit(budgetClass, owner, work)
        .recover(
            err -> {
              if (!(err instanceof BudgetExhaustedException)) {
                return Future.failedFuture(err);
              }
              registry.record(waiter, owner, budgetClass, 0, List.of(), 1, since);
              if (!waitLogged) {
                Future<BudgetStatus> now = status();
                now.onComplete(
                    ar ->
                        LOG.warn(
                            "{} waits for a permit of class '{}' (no permit came free yet; it goes on waiting):"
                                + " {}",
                            owner,
                            budgetClass,
                            ar.succeeded()
                                ? ar.result().classes().get(budgetClass).holders()
                                : "holders could not be read"));
              }
              return withPermitWhenFree(budgetClass, owner, work, true, waiter, since);
            });
  }

  /** Who holds how many permits of each class, cluster-wide, with what is still available. */
  public Future<BudgetStatus> status() {
    return CallerContext.deliver(
        semaphores.blocking(
            () -> {
              // A fresh read: the status is what an operator (or a test) asks for now. Permit
              // requests never wait on it.
              registry.refresh();
              Map<String, BudgetStatus.ClassStatus> classes = new LinkedHashMap<>();
              for (Map.Entry<String, Integer> e : semaphores.sizes().entrySet()) {
                int available = semaphores.semaphore(e.getKey()).availablePermits();
                classes.put(
                    e.getKey(),
                    new BudgetStatus.ClassStatus(
                        e.getKey(),
                        e.getValue(),
                        available,
                        registry.holders(e.getKey()),
                        registry.waiters(e.getKey())));
              }
              return new BudgetStatus(settings.total(), classes);
            }));
  }

  /**
   * Registers Micrometer meters: per pool total/idle/in use/waiting, per class permits held here
   * and available cluster-wide.
   */
  public ConnectionBudget bindMetrics(MeterRegistry registry) {
    meters.bindTo(registry);
    return this;
  }

  public BudgetSettings settings() {
    return settings;
  }

  public DatabaseSettings databaseSettings() {
    return settings.database();
  }

  /** Permits this member holds in {@code budgetClass}. */
  public int heldByThisMember(String budgetClass) {
    return accounts.values().stream()
        .filter(a -> a.profile().budgetClass().equals(budgetClass))
        .mapToInt(PoolAccount::held)
        .sum();
  }

  public List<BudgetedPool> pools() {
    List<BudgetedPool> out = new ArrayList<>();
    physicals.forEach(p -> out.add(p.handle()));
    return out;
  }

  private Future<Void> undeployAll() {
    List<Future<Void>> stops = new ArrayList<>();
    vertx
        .deploymentIDs()
        .forEach(id -> stops.add(vertx.undeploy(id).recover(err -> Future.succeededFuture())));
    if (stops.isEmpty()) {
      return Future.succeededFuture();
    }
    LOG.info("Stopping {} deployment(s) before closing the connection pools", stops.size());
    Promise<Void> done = Promise.promise();
    Future.join(stops).onComplete(ar -> done.tryComplete());
    long timer =
        vertx.setTimer(
            UNDEPLOY_DEADLINE_MS,
            id -> {
              if (done.tryComplete()) {
                LOG.warn(
                    "Deployments still stopping after {} s; closing the connection pools anyway",
                    UNDEPLOY_DEADLINE_MS / 1000);
              }
            });
    return done.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /** Closes every pool of this instance and waits for their permits to be back. */
  public Future<Void> close() {
    return CallerContext.deliver(closeOnce());
  }

  private synchronized Future<Void> closeOnce() {
    if (closing != null) {
      return closing;
    }
    BY_VERTX.removeIf(vertx, f -> f.succeeded() && f.result() == this);
    ((io.vertx.core.internal.VertxInternal) vertx).removeCloseHook(closeHook);
    List<Future<Void>> pools = new ArrayList<>();
    physicals.forEach(p -> pools.add(p.closeNow()));
    reconciler.close();
    guard.close();
    home.owner().cancelTimer(leaderHintsTimer);
    vertx.cancelTimer(snapshotTimer);
    // Without a CP majority no release can complete: a stop must still end in bounded time. What
    // could not be given back is taken back by the CP group when this member's session expires
    // after it left.
    long deadline =
        home.setTimer(
            CLOSE_RELEASE_DEADLINE_MS,
            id -> {
              int abandoned =
                  accounts.values().stream().mapToInt(PoolAccount::abandonReturns).sum();
              if (abandoned > 0) {
                LOG.warn(
                    "{} permit(s) could not be given back within {} s (CP group unreachable?); the CP group takes them back"
                        + " when this member's session expires",
                    abandoned,
                    CLOSE_RELEASE_DEADLINE_MS / 1000);
              }
            });
    closing =
        Future.join(pools)
            .eventually(
                () -> {
                  vertx.cancelTimer(deadline);
                  fence.close();
                  registry.close();
                  meters.close();
                  return semaphores.close();
                })
            .mapEmpty();
    return closing;
  }

  /** One physical pool and its books. */
  private final class PhysicalPool {
    private final Pool pool;
    private final PoolAccount account;
    private final WarmKeeper keeper;
    private Future<Void> closing;

    PhysicalPool(Pool pool, PoolAccount account, WarmKeeper keeper) {
      this.pool = pool;
      this.account = account;
      this.keeper = keeper;
    }

    BudgetedPool handle() {
      return new Handle(this, this::closeNow);
    }

    synchronized Future<Void> closeNow() {
      if (closing == null) {
        if (keeper != null) {
          keeper.stop();
        }
        closing =
            pool.close()
                .compose(v -> account.drained())
                .andThen(
                    ar -> {
                      physicals.remove(this);
                      accounts.remove(account.poolId());
                      fence.unregister(account);
                      meters.poolClosed(account);
                    });
      }
      return closing;
    }
  }

  /** A ref-counted pool shared by the verticle instances of one process. */
  private final class SharedPool {
    private final String key;
    private final Future<PhysicalPool> physical;
    private int handles;

    SharedPool(String key, PoolProfile profile, String owner) {
      this.key = key;
      // Built on the budget's own context, so undeploying the verticle that happened to ask first
      // does not close it.
      Promise<PhysicalPool> built = home.promise();
      home.runOnContext(
          v -> {
            PhysicalPool p = createPool(profile, owner);
            checkServer(p)
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        built.complete(p);
                      } else {
                        p.closeNow().onComplete(x -> built.fail(ar.cause()));
                      }
                    });
          });
      this.physical = built.future();
    }

    synchronized Future<BudgetedPool> open() {
      handles++;
      return physical
          .map(p -> (BudgetedPool) new Handle(p, this::release))
          .onFailure(err -> release());
    }

    private synchronized Future<Void> release() {
      handles--;
      if (handles > 0) {
        return Future.succeededFuture();
      }
      shared.remove(key, this);
      return physical.compose(PhysicalPool::closeNow, err -> Future.succeededFuture());
    }
  }

  /** What a caller holds: the shared physical pool plus its own close. */
  private static final class Handle implements BudgetedPool {
    private final PhysicalPool physical;
    private final Supplier<Future<Void>> onClose;
    private final Promise<Void> closed = Promise.promise();
    private boolean closing;

    Handle(PhysicalPool physical, Supplier<Future<Void>> onClose) {
      this.physical = physical;
      this.onClose = onClose;
    }

    @Override
    public Pool pool() {
      return physical.pool;
    }

    @Override
    public PoolProfile profile() {
      return physical.account.profile();
    }

    @Override
    public String owner() {
      return physical.account.owner();
    }

    @Override
    public String poolId() {
      return physical.account.poolId();
    }

    @Override
    public PoolStats stats() {
      return physical.account.stats();
    }

    @Override
    public int permitsHeld() {
      return physical.account.held();
    }

    @Override
    public synchronized Future<Void> close() {
      if (!closing) {
        closing = true;
        onClose.get().onComplete(closed);
      }
      return CallerContext.deliver(closed.future());
    }
  }
}
