package dev.killboard.api.jobs;

import dev.killboard.api.subscriptions.WorkerHeartbeat;
import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.QueueStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds {@code WorkerStatus}: every queue's depth and consumers (one pipelined Redis round trip)
 * and the standalone workers seen on the {@link WorkerHeartbeat} address lately.
 */
public final class WorkerStatusSource {
  /** A standalone worker counts as running this long after its last heartbeat. */
  static final long HEARTBEAT_TTL_MS = 15_000;

  /** Standalone workers listed even before their first heartbeat, as the original lists them. */
  static final Map<String, String> KNOWN_STANDALONE =
      Map.of("redisq_stream", "Real-time killmail stream from R2Z2");

  private final Vertx vertx;
  private final QueueAccess queues;
  private final Map<String, Seen> heartbeats = new ConcurrentHashMap<>();
  private MessageConsumer<Object> consumer;

  private record Seen(WorkerHeartbeat heartbeat, long at) {}

  /** The GraphQL WorkerStatus. */
  public record WorkerStatus(
      String timestamp, List<Queue> queues, List<Standalone> standaloneWorkers, boolean healthy) {}

  /** The GraphQL QueueStatus. */
  public record Queue(String name, int messageCount, int consumerCount, boolean active) {}

  /** The GraphQL StandaloneWorkerStatus. */
  public record Standalone(String name, boolean running, Integer pid, String description) {}

  public WorkerStatusSource(Vertx vertx, QueueAccess queues) {
    this.vertx = vertx;
    this.queues = queues;
  }

  public Future<Void> start() {
    consumer =
        vertx
            .eventBus()
            .consumer(
                WorkerHeartbeat.ADDRESS,
                m -> {
                  try {
                    WorkerHeartbeat hb = WorkerHeartbeat.fromJson(m.body());
                    heartbeats.put(hb.name(), new Seen(hb, System.currentTimeMillis()));
                  } catch (IllegalArgumentException ignored) {
                    // A malformed heartbeat is not worth a log line per beat.
                  }
                });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The status right now. */
  public Future<WorkerStatus> read() {
    return queues
        .queue()
        .compose(q -> q.status(QueueNames.ALL))
        .map(
            list -> {
              List<Queue> out = new ArrayList<>(list.size());
              for (QueueStatus s : list) {
                out.add(
                    new Queue(
                        s.queue(),
                        (int) Math.min(Integer.MAX_VALUE, s.messageCount()),
                        s.consumers(),
                        s.active()));
              }
              List<Standalone> standalone = standalone();
              boolean healthy =
                  out.stream().anyMatch(Queue::active)
                      || standalone.stream().anyMatch(Standalone::running);
              return new WorkerStatus(
                  dev.killboard.api.data.Timestamps.iso(Instant.now()), out, standalone, healthy);
            });
  }

  private List<Standalone> standalone() {
    long now = System.currentTimeMillis();
    Map<String, Standalone> out = new LinkedHashMap<>();
    KNOWN_STANDALONE.forEach(
        (name, description) -> out.put(name, new Standalone(name, false, null, description)));
    heartbeats.forEach(
        (name, seen) -> {
          boolean running = now - seen.at() <= HEARTBEAT_TTL_MS;
          String description =
              seen.heartbeat().description().isEmpty()
                  ? KNOWN_STANDALONE.getOrDefault(name, name)
                  : seen.heartbeat().description();
          out.put(
              name,
              new Standalone(
                  name,
                  running,
                  running && seen.heartbeat().pid() > 0 ? (int) seen.heartbeat().pid() : null,
                  description));
        });
    return new ArrayList<>(out.values());
  }
}
