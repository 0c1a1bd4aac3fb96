package dev.killboard.worker.framework;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that runs one job and undeploys itself, so its pool closes and its permits come back at once. When it was
 * the last deployment of the process (launched alone with {@code worker:<name>}) it also closes Vert.x, so the process
 * exits; set config {@code "exitWhenDone": false} to keep Vert.x running. When it is done it publishes
 * {@code {"worker", "deploymentId", "succeeded", "error"?}} on the local address {@link #FINISHED_ADDRESS} (clustered event bus: other nodes see it too).
 */
public abstract class OneShotWorker extends PooledWorker {
  /** Local event-bus address announcing that a one-shot worker finished and was undeployed. */
  public static final String FINISHED_ADDRESS = "killboard.worker.one-shot.finished";
  private static final Logger LOG = LoggerFactory.getLogger(OneShotWorker.class);

  /** The job; completes when everything it does is committed (or enqueued). */
  protected abstract Future<?> run();

  @Override
  protected final Future<?> begin() {
    // Run after deploy completes: undeploying from inside start would race the deployment.
    context.runOnContext(v -> {
      long started = System.nanoTime();
      Future<?> job;
      try {
        job = run();
      } catch (RuntimeException e) {
        job = Future.failedFuture(e);
      }
      job.onComplete(ar -> finish(ar.succeeded(), ar.cause(), (System.nanoTime() - started) / 1_000_000));
    });
    return Future.succeededFuture();
  }

  private void finish(boolean succeeded, Throwable error, long ms) {
    if (succeeded) {
      LOG.info("one-shot done worker={} ms={}", owner(), ms);
    } else {
      LOG.error("one-shot failed worker={} ms={} error={}", owner(), ms, String.valueOf(error));
    }
    String id = deploymentID();
    JsonObject event = new JsonObject().put("worker", workerName()).put("deploymentId", id).put("succeeded", succeeded);
    if (error != null) {
      event.put("error", String.valueOf(error.getMessage()));
    }
    undeployWhenDeployed(id, 0).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("one-shot could not undeploy itself worker={} error={}", owner(), String.valueOf(ar.cause()));
        event.put("succeeded", false).put("error", "undeploy failed: " + ar.cause().getMessage());
      }
      vertx.eventBus().publish(FINISHED_ADDRESS, event);
      if (config().getBoolean("exitWhenDone", true) && vertx.deploymentIDs().isEmpty()) {
        LOG.info("one-shot was the last deployment; closing Vert.x so the process exits");
        vertx.close();
      }
    });
  }

  /** A job can finish before Vert.x has recorded its deployment; undeploying earlier would fail, so wait for it. */
  private Future<Void> undeployWhenDeployed(String id, int attempt) {
    if (vertx.deploymentIDs().contains(id) || attempt >= 500) {
      return vertx.undeploy(id);
    }
    io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
    vertx.setTimer(10, t -> undeployWhenDeployed(id, attempt + 1).onComplete(later));
    return later.future();
  }
}
