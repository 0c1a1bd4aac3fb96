package dev.killboard.worker.framework;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every worker verticle: on start it validates the settings, joins the connection budget and opens this
 * instance's own budgeted pool ({@code <worker-name>#<instance>}) plus its queue connection and upstream clients; on
 * stop it ends the worker's activity first, then closes all of them, so the pool's permits are back when undeploy
 * completes.
 */
public abstract class PooledWorker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PooledWorker.class);
  private static final Map<String, AtomicInteger> INSTANCES = new ConcurrentHashMap<>();

  /** This instance's pool, queue and clients; set once {@link #start()} has opened them. */
  protected WorkerRuntime runtime;
  private String owner;

  /** The worker's name, as deployed by name ({@code worker:<name>}) and shown in logs, e.g. {@code info-characters}. */
  public abstract String workerName();

  /** Starts the worker's activity once the runtime is open (consume a queue, poll a feed, run a one-shot job). */
  protected abstract Future<?> begin();

  /** Ends the worker's activity before the runtime closes (stop consuming, finish in-flight work). */
  protected Future<?> end() {
    return Future.succeededFuture();
  }

  @Override
  public final Future<?> start() {
    WorkerSettings settings;
    try {
      settings = WorkerSettings.fromConfig(config());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    owner = workerName() + "#" + INSTANCES.computeIfAbsent(workerName(), k -> new AtomicInteger()).incrementAndGet();
    return WorkerRuntime.open(vertx, owner, settings)
        .compose(rt -> {
          this.runtime = rt;
          return begin().recover(e -> rt.close().transform(ar -> Future.failedFuture(e)));
        })
        .onSuccess(v -> LOG.info("worker started worker={} deployment={}", owner, deploymentID()))
        .onFailure(e -> LOG.error("worker failed to start worker={}: {}", owner, e.getMessage()));
  }

  @Override
  public final Future<?> stop() {
    if (runtime == null) {
      return Future.succeededFuture();
    }
    WorkerRuntime rt = runtime;
    return end().transform(ar -> {
      if (ar.failed()) {
        LOG.warn("worker did not stop cleanly worker={}: {}", owner, ar.cause().toString());
      }
      return rt.close();
    }).onComplete(ar -> LOG.info("worker stopped worker={} permitsBack={}", owner, ar.succeeded()));
  }

  /** This instance's owner name in the budget status and logs, e.g. {@code info-characters#2}. */
  public String owner() {
    return owner;
  }
}
