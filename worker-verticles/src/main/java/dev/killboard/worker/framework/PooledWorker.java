package dev.killboard.worker.framework;

import dev.killboard.config.Env;
import dev.killboard.runtime.PerVertx;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every worker verticle: on start it validates the settings, joins the connection budget
 * and opens this instance's own budgeted pool ({@code <worker-name>#<instance>}) plus its queue
 * connection and upstream clients; on stop it ends the worker's activity first, then closes all of
 * them, so the pool's permits are back when undeploy completes.
 */
public abstract class PooledWorker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PooledWorker.class);
  // Instance numbers per worker name, counted per Vert.x instance (forgotten when it closes).
  private static final PerVertx<Map<String, AtomicInteger>> INSTANCES =
      PerVertx.of("worker instance numbers");

  /** This instance's pool, queue and clients; set once {@link #start()} has opened them. */
  protected WorkerRuntime runtime;

  private String owner;
  private long heartbeatTimer = -1;

  /**
   * The worker's name, as deployed by name ({@code worker:<name>}) and shown in logs, e.g. {@code
   * info-characters}.
   */
  public abstract String workerName();

  /**
   * Starts the worker's activity once the runtime is open (consume a queue, poll a feed, run a
   * one-shot job).
   */
  protected abstract Future<?> begin();

  /**
   * Whether this worker runs on its own rather than from a queue or once (like {@code
   * redisq-stream}): such a worker publishes a {@link WorkerHeartbeat} while it is deployed, so the
   * API's {@code workerStatus} can show it running. Queue workers show up as their queue's
   * consumers, one-shots end on their own.
   */
  protected boolean standalone() {
    return true;
  }

  /**
   * The description in this worker's heartbeat; empty lets the API show its own for the workers it
   * knows.
   */
  protected String description() {
    return "";
  }

  /**
   * Ends the worker's activity before the runtime closes (stop consuming, finish in-flight work).
   */
  protected Future<?> end() {
    return Future.succeededFuture();
  }

  @Override
  public final Future<?> start() {
    WorkerSettings settings;
    try {
      settings =
          Env.read(
              Env.environment(config().getJsonObject("env", new JsonObject()).getMap()),
              WorkerSettings::from);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    owner =
        workerName()
            + "#"
            + INSTANCES
                .get(vertx, v -> new ConcurrentHashMap<>())
                .computeIfAbsent(workerName(), k -> new AtomicInteger())
                .incrementAndGet();
    return WorkerRuntime.open(vertx, owner, settings)
        .compose(
            rt -> {
              this.runtime = rt;
              return begin().recover(e -> rt.close().transform(ar -> Future.failedFuture(e)));
            })
        .onSuccess(
            v -> {
              beat();
              LOG.info("worker started worker={} deployment={}", owner, deploymentID());
            })
        .onFailure(e -> LOG.error("worker failed to start worker={}: {}", owner, e.getMessage()));
  }

  @Override
  public final Future<?> stop() {
    if (runtime == null) {
      return Future.succeededFuture();
    }
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
    WorkerRuntime rt = runtime;
    return end()
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.warn("worker did not stop cleanly worker={}: {}", owner, ar.cause().toString());
              }
              return rt.close();
            })
        .onComplete(
            ar -> LOG.info("worker stopped worker={} permitsBack={}", owner, ar.succeeded()));
  }

  // The first beat at once, then on a timer that stop() cancels (undeploy stops the beats before
  // the pool closes).
  private void beat() {
    if (!standalone()) {
      return;
    }
    WorkerHeartbeat heartbeat = WorkerHeartbeat.of(workerName(), description());
    vertx.eventBus().publish(WorkerHeartbeat.ADDRESS, heartbeat.toJson());
    heartbeatTimer =
        vertx.setPeriodic(
            WorkerHeartbeat.INTERVAL_MS,
            id -> vertx.eventBus().publish(WorkerHeartbeat.ADDRESS, heartbeat.toJson()));
  }

  /** This instance's owner name in the budget status and logs, e.g. {@code info-characters#2}. */
  public String owner() {
    return owner;
  }
}
