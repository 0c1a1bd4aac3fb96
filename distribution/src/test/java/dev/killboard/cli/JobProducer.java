package dev.killboard.cli;

import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.Priority;
import dev.killboard.queue.QueueSettings;
import dev.killboard.queue.QueueStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What keeps the workers busy during a chaos run: info jobs for every character and corporation of the fake universe,
 * enqueued again each second (info jobs are idempotent upserts), and a new R2Z2 killmail every 500 ms.
 */
final class JobProducer implements AutoCloseable {
  private final Vertx vertx;
  private final JobQueue queue;
  private final long timer;
  private final long feed;
  private final AtomicLong enqueued = new AtomicLong();

  private JobProducer(Vertx vertx, JobQueue queue, PackagedCluster cluster) {
    this.vertx = vertx;
    this.queue = queue;
    List<JsonObject> characters = cluster.fakes().universe().playerCharacterIds().stream()
        .map(id -> EntityJob.of(id).toJson()).toList();
    List<JsonObject> corporations = cluster.fakes().universe().playerCorporationIds().stream()
        .map(id -> EntityJob.of(id).toJson()).toList();
    this.timer = vertx.setPeriodic(0, 1_000, id -> {
      queue.enqueueAll(QueueNames.ESI_CHARACTER_INFO, characters, Priority.NORMAL)
          .onSuccess(ids -> enqueued.addAndGet(ids.size()));
      queue.enqueueAll(QueueNames.ESI_CORPORATION_INFO, corporations, Priority.NORMAL)
          .onSuccess(ids -> enqueued.addAndGet(ids.size()));
    });
    this.feed = vertx.setPeriodic(500, id -> cluster.fakes().r2z2().publishNew(1));
  }

  static JobProducer start(PackagedCluster cluster) throws Exception {
    Vertx vertx = Vertx.vertx();
    QueueSettings settings = QueueSettings.fromEnvironment(Map.of(QueueSettings.ENV_REDIS_URL, cluster.redis().uri()));
    JobQueue queue = JobQueue.connect(vertx, settings).await(60, TimeUnit.SECONDS);
    return new JobProducer(vertx, queue, cluster);
  }

  long enqueued() {
    return enqueued.get();
  }

  /** Stops producing (jobs already queued stay). */
  void stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(feed);
  }

  /** Jobs done so far on these queues: enqueued by this producer minus what is still queued (ready, in flight, delayed). */
  long done(List<String> queues) throws Exception {
    long left = 0;
    for (QueueStatus s : queue.status(queues).await(10, TimeUnit.SECONDS)) {
      left += s.depth().total();
    }
    return enqueued.get() - left;
  }

  /** The queue's status; after a Redis outage, once this producer's connection is back (at most 60 s). */
  QueueStatus status(String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return queue.status(name).await(30, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        if (!JobQueue.unreachable(e) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500); // the connection reconnects by itself; nothing to await from here
      }
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    queue.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
