package dev.killboard.worker.framework;

import dev.killboard.config.ConfigurationException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that runs one job and undeploys itself, so its pool closes and its permits come back at
 * once. When it was the last deployment of the process (launched alone with {@code worker:<name>})
 * it also closes Vert.x, so the process exits; set config {@code "exitWhenDone": false} to keep
 * Vert.x running. When it is done it publishes {@code {"worker", "deploymentId", "succeeded",
 * "error"?, "next"?}} on the address {@link #FINISHED_ADDRESS} (clustered event bus: other nodes
 * see it too).
 *
 * <p>With config {@code "every": "<ISO-8601 duration>"} (e.g. {@code "PT24H"}) it stays deployed
 * and runs the job again that long after each run ends, instead of an operator's cron; between runs
 * its idle pool gives the permits back.
 */
public abstract class OneShotWorker extends PooledWorker {
  /** Local event-bus address announcing that a one-shot worker finished and was undeployed. */
  public static final String FINISHED_ADDRESS = "killboard.worker.one-shot.finished";

  /** The shortest repeat interval accepted for {@code "every"}. */
  public static final Duration MIN_EVERY = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(OneShotWorker.class);

  private Duration every;
  private long nextRun = -1;

  /** The job; completes when everything it does is committed (or enqueued). */
  protected abstract Future<?> run();

  /** Not standalone: it ends on its own, so it publishes no heartbeat. */
  @Override
  protected final boolean standalone() {
    return false;
  }

  @Override
  protected final Future<?> begin() {
    try {
      every = repeatInterval(config().getValue("every"));
    } catch (ConfigurationException e) {
      return Future.failedFuture(e);
    }
    // Run after deploy completes: undeploying from inside start would race the deployment.
    context.runOnContext(v -> runOnce());
    return Future.succeededFuture();
  }

  @Override
  protected Future<?> end() {
    if (nextRun >= 0) {
      vertx.cancelTimer(nextRun);
    }
    return Future.succeededFuture();
  }

  /** Reads config {@code every}: absent means run once. */
  static Duration repeatInterval(Object raw) {
    if (raw == null) {
      return null;
    }
    Duration d;
    try {
      d = Duration.parse(String.valueOf(raw));
    } catch (java.time.format.DateTimeParseException e) {
      throw new ConfigurationException(
          "config \"every\"="
              + raw
              + " is not an ISO-8601 duration: write e.g. \"PT24H\""
              + " (daily) or \"PT15M\", or leave it out to run once.");
    }
    if (d.compareTo(MIN_EVERY) < 0) {
      throw new ConfigurationException(
          "config \"every\"="
              + raw
              + " is shorter than "
              + MIN_EVERY.toSeconds()
              + " s: write e.g. \"PT24H\", or leave it out to run once.");
    }
    return d;
  }

  private void runOnce() {
    nextRun = -1;
    long started = System.nanoTime();
    Future<?> job;
    try {
      job = run();
    } catch (RuntimeException e) {
      job = Future.failedFuture(e);
    }
    job.onComplete(
        ar -> {
          long ms = (System.nanoTime() - started) / 1_000_000;
          if (every == null) {
            finish(ar.succeeded(), ar.cause(), ms);
          } else {
            again(ar.succeeded(), ar.cause(), ms);
          }
        });
  }

  /**
   * A repeating worker: reports the run and schedules the next (a failed run is retried at the next
   * interval).
   */
  private void again(boolean succeeded, Throwable error, long ms) {
    if (succeeded) {
      LOG.info("one-shot done worker={} ms={} nextInS={}", owner(), ms, every.toSeconds());
    } else {
      LOG.error(
          "one-shot failed worker={} ms={} nextInS={} error={}",
          owner(),
          ms,
          every.toSeconds(),
          String.valueOf(error));
    }
    JsonObject event = event(succeeded, error).put("next", every.toString());
    nextRun = vertx.setTimer(every.toMillis(), t -> runOnce());
    vertx.eventBus().publish(FINISHED_ADDRESS, event);
  }

  private JsonObject event(boolean succeeded, Throwable error) {
    JsonObject event =
        new JsonObject()
            .put("worker", workerName())
            .put("deploymentId", deploymentID())
            .put("succeeded", succeeded);
    if (error != null) {
      event.put("error", String.valueOf(error.getMessage()));
    }
    return event;
  }

  private void finish(boolean succeeded, Throwable error, long ms) {
    if (succeeded) {
      LOG.info("one-shot done worker={} ms={}", owner(), ms);
    } else {
      LOG.error("one-shot failed worker={} ms={} error={}", owner(), ms, String.valueOf(error));
    }
    String id = deploymentID();
    JsonObject event = event(succeeded, error);
    undeployWhenDeployed(id, 0)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.error(
                    "one-shot could not undeploy itself worker={} error={}",
                    owner(),
                    String.valueOf(ar.cause()));
                event
                    .put("succeeded", false)
                    .put("error", "undeploy failed: " + ar.cause().getMessage());
              }
              vertx.eventBus().publish(FINISHED_ADDRESS, event);
              if (config().getBoolean("exitWhenDone", true) && vertx.deploymentIDs().isEmpty()) {
                LOG.info("one-shot was the last deployment; closing Vert.x so the process exits");
                vertx.close();
              }
            });
  }

  /**
   * A job can finish before Vert.x has recorded its deployment; undeploying earlier would fail, so
   * wait for it.
   */
  private Future<Void> undeployWhenDeployed(String id, int attempt) {
    if (vertx.deploymentIDs().contains(id) || attempt >= 500) {
      return vertx.undeploy(id);
    }
    io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
    vertx.setTimer(10, t -> undeployWhenDeployed(id, attempt + 1).onComplete(later));
    return later.future();
  }
}
