package dev.killboard.api.subscriptions;

import dev.killboard.api.jobs.WorkerStatusSource;
import dev.killboard.api.jobs.WorkerStatusSource.WorkerStatus;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code workerStatusUpdates} source of one API instance: while anyone subscribes, reads the
 * status once per interval and hands it to every subscriber; a new subscriber gets a first status
 * at once.
 */
public final class WorkerStatusTicker {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerStatusTicker.class);

  private final Vertx vertx;
  private final WorkerStatusSource source;
  private final long intervalMillis;
  private final Set<EventPublisher<WorkerStatus>> subscribers = ConcurrentHashMap.newKeySet();
  private long timer = -1;

  public WorkerStatusTicker(Vertx vertx, WorkerStatusSource source, long intervalMillis) {
    this.vertx = vertx;
    this.source = source;
    this.intervalMillis = intervalMillis;
  }

  /** A new subscription. */
  public Publisher<WorkerStatus> subscribe() {
    EventPublisher<WorkerStatus>[] self = new EventPublisher[1];
    self[0] = new EventPublisher<>(4, () -> subscribers.remove(self[0]));
    subscribers.add(self[0]);
    ensureTimer();
    source
        .read()
        .onSuccess(self[0]::offer)
        .onFailure(
            e -> LOG.debug("Worker status not available for a new subscriber: {}", e.getMessage()));
    return self[0];
  }

  private synchronized void ensureTimer() {
    if (timer < 0) {
      timer = vertx.setPeriodic(intervalMillis, id -> tick());
    }
  }

  private void tick() {
    if (subscribers.isEmpty()) {
      synchronized (this) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      return;
    }
    source
        .read()
        .onSuccess(status -> subscribers.forEach(s -> s.offer(status)))
        .onFailure(e -> LOG.debug("Worker status not available: {}", e.getMessage()));
  }

  public void stop() {
    synchronized (this) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
    subscribers.forEach(EventPublisher::complete);
    subscribers.clear();
  }
}
