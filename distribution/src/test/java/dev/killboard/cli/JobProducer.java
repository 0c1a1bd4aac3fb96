package dev.killboard.cli;

import dev.killboard.config.Env;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What keeps the workers busy during a chaos run: info jobs for every character and corporation of
 * the fake universe, enqueued again whenever less than one round of them waits (checked each
 * second; info jobs are idempotent upserts), and a new R2Z2 killmail every 500 ms. Characters the
 * test withholds are never queued here, so only the killmails that name them (through the outbox)
 * can bring their names.
 */
final class JobProducer implements AutoCloseable {
  private final Vertx vertx;
  private final JobQueue queue;
  private final long timer;
  private final long feed;
  private final AtomicLong enqueued = new AtomicLong();

  private JobProducer(Vertx vertx, JobQueue queue, PackagedCluster cluster, Set<Long> withheld) {
    this.vertx = vertx;
    this.queue = queue;
    List<JsonObject> characters =
        cluster.fakes().universe().playerCharacterIds().stream()
            .filter(id -> !withheld.contains(id))
            .map(id -> EntityJob.of(id).toJson())
            .toList();
    List<JsonObject> corporations =
        cluster.fakes().universe().playerCorporationIds().stream()
            .map(id -> EntityJob.of(id).toJson())
            .toList();
    // A round is queued only while less than one round waits: the workers always have jobs, but the
    // backlog stays bounded, so that jobs queued later (the outbox's, after a Redis outage) are
    // reached within seconds.
    this.timer =
        vertx.setPeriodic(
            0,
            1_000,
            id ->
                queue
                    .status(List.of(QueueNames.ESI_CHARACTER_INFO, QueueNames.ESI_CORPORATION_INFO))
                    .onSuccess(
                        depths -> {
                          if (depths.get(0).depth().total() < characters.size()) {
                            queue
                                .enqueueAll(
                                    QueueNames.ESI_CHARACTER_INFO, characters, Priority.NORMAL)
                                .onSuccess(ids -> enqueued.addAndGet(ids.size()));
                          }
                          if (depths.get(1).depth().total() < corporations.size()) {
                            queue
                                .enqueueAll(
                                    QueueNames.ESI_CORPORATION_INFO, corporations, Priority.NORMAL)
                                .onSuccess(ids -> enqueued.addAndGet(ids.size()));
                          }
                        }));
    this.feed = vertx.setPeriodic(500, id -> cluster.fakes().r2z2().publishNew(1));
  }

  /** Starts producing; the characters in {@code withheld} are never queued by this producer. */
  /** Produces jobs for every character of the cluster's universe. */
  static JobProducer start(PackagedCluster cluster) throws Exception {
    return start(cluster, Set.of());
  }

  static JobProducer start(PackagedCluster cluster, Set<Long> withheld) throws Exception {
    Vertx vertx = Vertx.vertx();
    QueueSettings settings =
        Env.read(Map.of(QueueSettings.ENV_REDIS_URL, cluster.redis().uri()), QueueSettings::from);
    JobQueue queue = JobQueue.connect(vertx, settings).await(60, TimeUnit.SECONDS);
    return new JobProducer(vertx, queue, cluster, Set.copyOf(withheld));
  }

  long enqueued() {
    return enqueued.get();
  }

  /** Stops producing (jobs already queued stay). */
  void stop() {
    stopJobs();
    vertx.cancelTimer(feed);
  }

  /** Stops enqueuing info jobs; the R2Z2 feed goes on publishing killmails. */
  void stopJobs() {
    vertx.cancelTimer(timer);
  }

  /**
   * Jobs done so far on these queues: enqueued by this producer minus what is still queued (ready,
   * in flight, delayed).
   */
  long done(List<String> queues) throws Exception {
    long left = 0;
    for (QueueStatus s : queue.status(queues).await(10, TimeUnit.SECONDS)) {
      left += s.depth().total();
    }
    return enqueued.get() - left;
  }

  /**
   * The queue's status; after a Redis outage, once this producer's connection is back (at most 60
   * s).
   */
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
