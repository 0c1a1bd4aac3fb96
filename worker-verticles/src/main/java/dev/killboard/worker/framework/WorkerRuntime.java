package dev.killboard.worker.framework;

import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.queue.JobQueue;
import dev.killboard.runtime.PerVertx;
import dev.killboard.store.EntityJobOutbox;
import dev.killboard.store.KillmailIngest;
import dev.killboard.store.StartupMigration;
import dev.killboard.upstream.esi.ErrorLimitGate;
import dev.killboard.upstream.esi.EsiClient;
import dev.killboard.upstream.r2z2.R2z2Client;
import dev.killboard.upstream.zkillboard.ZkillboardClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one worker verticle instance owns while it runs: its budgeted 2-connection pool, its
 * job-queue connection and its upstream clients. Opened in the verticle's start, closed in its stop
 * (the pool's permits come back when the pool has closed). ESI's error limit is counted for the
 * whole cluster ({@link ClusterErrorLimitGate}), so no instance, in this process or another, spends
 * the shared error budget behind the others' backs.
 */
public final class WorkerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);
  private static final long REDIS_RETRY_MS = 2_000;
  // One gate per Vert.x instance and error-limit margin: each worker keeps the margin it was
  // configured with (the
  // count itself is shared through the cluster), and a closed Vert.x instance drops its gates.
  private static final PerVertx<Map<Integer, ErrorLimitGate>> GATES =
      PerVertx.of("ESI error-limit gates");

  private final Vertx vertx;
  private final String owner;
  private final WorkerSettings settings;
  private final BudgetedPool pool;
  private final JobQueue queue;
  private final ErrorLimitGate gate;
  // Created on first use: most workers call one upstream only.
  private EsiClient esi;
  private ZkillboardClient zkillboard;
  private R2z2Client r2z2;
  private KillmailIngest ingest;
  private EntityJobOutbox outbox;

  private WorkerRuntime(
      Vertx vertx, String owner, WorkerSettings settings, BudgetedPool pool, JobQueue queue) {
    this.vertx = vertx;
    this.owner = owner;
    this.settings = settings;
    this.pool = pool;
    this.queue = queue;
    int margin = settings.upstream().esiErrorLimitMargin();
    this.gate =
        GATES
            .get(vertx, v -> new ConcurrentHashMap<>())
            .computeIfAbsent(
                margin, m -> new ClusterErrorLimitGate(vertx, ClusteredVertx.hazelcast(vertx), m));
  }

  /**
   * Joins the budget, brings the schema up to date (once per process, see {@link
   * StartupMigration}), opens this instance's worker pool and connects to the queues.
   */
  public static Future<WorkerRuntime> open(Vertx vertx, String owner, WorkerSettings settings) {
    return ConnectionBudget.forVertx(vertx, settings.budget())
        .compose(
            budget ->
                settings.migrateOnStart()
                    ? StartupMigration.ensure(vertx, budget).map(budget)
                    : Future.succeededFuture(budget))
        .compose(budget -> budget.openPool(settings.budget().workerProfile(), owner))
        .compose(
            pool ->
                connectQueue(vertx, settings, owner, System.nanoTime())
                    .map(queue -> new WorkerRuntime(vertx, owner, settings, pool, queue))
                    .recover(e -> pool.close().transform(ar -> Future.failedFuture(e))));
  }

  /**
   * Connects to Redis; while it cannot be reached the start waits (logged each minute) instead of
   * failing.
   */
  private static Future<JobQueue> connectQueue(
      Vertx vertx, WorkerSettings settings, String owner, long since) {
    return JobQueue.connect(vertx, settings.queue())
        .recover(
            err -> {
              if (!JobQueue.unreachable(err)) {
                return Future.failedFuture(err);
              }
              long waited = (System.nanoTime() - since) / 1_000_000_000L;
              if (waited % 60 < 2) {
                LOG.warn(
                    "worker {} waits for Redis ({} s so far): {}",
                    owner,
                    waited,
                    JobQueue.describe(err));
              }
              Promise<Void> later = Promise.promise();
              vertx.setTimer(REDIS_RETRY_MS, id -> later.complete());
              return later.future().compose(v -> connectQueue(vertx, settings, owner, since));
            });
  }

  /** The Vert.x instance. */
  public Vertx vertx() {
    return vertx;
  }

  /** This instance's name in logs and the budget status, e.g. {@code info-characters#2}. */
  public String owner() {
    return owner;
  }

  /** The settings it was opened with. */
  public WorkerSettings settings() {
    return settings;
  }

  /**
   * This instance's budgeted pool (max 2 connections, min 0: idle connections give their permits
   * back).
   */
  public Pool pool() {
    return pool.pool();
  }

  /**
   * The ESI error-limit gate of this runtime's ESI client: one per Vert.x instance and margin, so
   * each worker keeps its configured {@code KILLBOARD_ESI_ERROR_LIMIT_MARGIN} while the error count
   * is shared cluster-wide.
   */
  public ErrorLimitGate errorLimitGate() {
    return gate;
  }

  /** The job queues (enqueue follow-up jobs, create the consumer). */
  public JobQueue queue() {
    return queue;
  }

  /**
   * Killmail ingestion for live workers: each batch records, in its own transaction, the
   * characters, corporations, alliances and types the new killmails mention but Killboard has not
   * stored; after the commit it publishes {@code newKillmail} and the outbox relays their info jobs
   * to Redis ({@link EntityJobOutbox}, through this instance's pool). The relay starts with the
   * first call and stops when the runtime closes.
   */
  public synchronized KillmailIngest killmailIngest() {
    if (ingest == null) {
      outbox = new EntityJobOutbox(vertx, pool(), queue, owner);
      outbox.start();
      ingest = new KillmailIngest(outbox);
    }
    return ingest;
  }

  /** ESI, through the cluster-wide error-limit gate with this worker's margin. */
  public synchronized EsiClient esi() {
    if (esi == null) {
      esi = new EsiClient(vertx, settings.upstream(), gate, Clock.systemUTC());
    }
    return esi;
  }

  /** zKillboard's history API. */
  public synchronized ZkillboardClient zkillboard() {
    if (zkillboard == null) {
      zkillboard = new ZkillboardClient(vertx, settings.upstream());
    }
    return zkillboard;
  }

  /** The R2Z2 live feed. */
  public synchronized R2z2Client r2z2() {
    if (r2z2 == null) {
      r2z2 = new R2z2Client(vertx, settings.upstream());
    }
    return r2z2;
  }

  /**
   * Stops the outbox relay, closes the clients and the queue connection, then the pool; completes
   * once the pool's permits are back.
   */
  public Future<Void> close() {
    Future<Void> relayStopped;
    synchronized (this) {
      relayStopped = outbox == null ? Future.succeededFuture() : outbox.stop();
      if (esi != null) {
        esi.close();
      }
      if (zkillboard != null) {
        zkillboard.close();
      }
      if (r2z2 != null) {
        r2z2.close();
      }
    }
    return relayStopped
        .transform(
            r -> {
              List<Future<?>> closing = new ArrayList<>();
              closing.add(queue.close().recover(e -> Future.succeededFuture()));
              return Future.join(closing);
            })
        .transform(ar -> pool.close());
  }
}
