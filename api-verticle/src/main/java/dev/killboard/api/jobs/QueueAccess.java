package dev.killboard.api.jobs;

import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.QueueSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's handle on the Redis job queues. The API starts without Redis (every query but
 * workerStatus and the sync mutations works without it) and keeps trying to connect in the
 * background; until then those operations answer SERVICE_UNAVAILABLE.
 */
public final class QueueAccess {
  private static final Logger LOG = LoggerFactory.getLogger(QueueAccess.class);
  private static final long RETRY_MS = 5_000;

  private final Vertx vertx;
  private final QueueSettings settings;
  private volatile JobQueue queue;
  private volatile boolean stopped;
  private long timer = -1;

  public QueueAccess(Vertx vertx, QueueSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** Tries once now; on failure keeps retrying in the background. Always succeeds. */
  public Future<Void> start() {
    return attempt().recover(e -> Future.succeededFuture());
  }

  private Future<Void> attempt() {
    return JobQueue.connect(vertx, settings)
        .<Void>map(
            q -> {
              if (stopped) {
                q.close();
              } else {
                queue = q;
                LOG.info("Job queues connected at {}", settings.redisUrlForLogs());
              }
              return null;
            })
        .onFailure(
            e -> {
              if (!stopped) {
                LOG.warn(
                    "Job queues not reachable at {} ({}); retrying every {} ms",
                    settings.redisUrlForLogs(),
                    e.getMessage(),
                    RETRY_MS);
                timer = vertx.setTimer(RETRY_MS, id -> attempt());
              }
            });
  }

  /** The connected queue; fails with SERVICE_UNAVAILABLE while there is none. */
  public Future<JobQueue> queue() {
    JobQueue q = queue;
    return q != null
        ? Future.succeededFuture(q)
        : Future.failedFuture(
            new ApiException(
                ErrorCode.SERVICE_UNAVAILABLE, "The job queues are not reachable right now"));
  }

  /** True when connected and the connection is up. */
  public boolean isUp() {
    JobQueue q = queue;
    return q != null && q.isConnected();
  }

  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    JobQueue q = queue;
    return q == null ? Future.succeededFuture() : q.close();
  }
}
