package dev.killboard.queue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link JobQueue} on Redis Streams; producers and status readers share one pipelined command
 * connection.
 */
final class RedisJobQueue implements JobQueue {

  /** Jobs per MULTI/EXEC block of {@link #enqueueAll}. */
  static final int ENQUEUE_BLOCK = 500;

  private static final int MAX_DEAD_LETTER_PAGE = 10_000;

  private final Vertx vertx;
  private final QueueSettings settings;
  private final RedisLink link;
  private final Set<StreamJobConsumer> consumers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private RedisJobQueue(Vertx vertx, QueueSettings settings, RedisLink link) {
    this.vertx = vertx;
    this.settings = settings;
    this.link = link;
  }

  static Future<JobQueue> connect(Vertx vertx, QueueSettings settings) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(settings, "settings");
    RedisLink link = new RedisLink(vertx, vertx.getOrCreateContext(), "commands", settings, null);
    return link.start().map(v -> new RedisJobQueue(vertx, settings, link));
  }

  RedisLink link() {
    return link;
  }

  Vertx vertx() {
    return vertx;
  }

  @Override
  public QueueSettings settings() {
    return settings;
  }

  @Override
  public boolean isConnected() {
    return link.isUp();
  }

  @Override
  public Future<String> enqueue(String queue, JsonObject payload, Priority priority) {
    QueueKeys keys;
    String json;
    try {
      keys = new QueueKeys(queue);
      json = checkedPayload(queue, payload, 0);
      Objects.requireNonNull(priority, "priority");
    } catch (IllegalArgumentException | NullPointerException e) {
      return Future.failedFuture(e);
    }
    String id = UUID.randomUUID().toString();
    return link.send(
            StreamEntries.xadd(keys.stream(priority), id, json, System.currentTimeMillis()))
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.succeededFuture(id)
                    : Future.failedFuture(notDone("job not enqueued on " + queue, ar.cause())));
  }

  @Override
  public Future<List<String>> enqueueAll(
      String queue, List<JsonObject> payloads, Priority priority) {
    QueueKeys keys;
    List<String> jsons = new ArrayList<>();
    try {
      keys = new QueueKeys(queue);
      Objects.requireNonNull(payloads, "payloads");
      Objects.requireNonNull(priority, "priority");
      for (int i = 0; i < payloads.size(); i++) {
        jsons.add(checkedPayload(queue, payloads.get(i), i));
      }
    } catch (IllegalArgumentException | NullPointerException e) {
      return Future.failedFuture(e);
    }
    List<String> ids = new ArrayList<>(jsons.size());
    for (int i = 0; i < jsons.size(); i++) {
      ids.add(UUID.randomUUID().toString());
    }
    String stream = keys.stream(priority);
    long now = System.currentTimeMillis();
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < jsons.size(); from += ENQUEUE_BLOCK) {
      int start = from;
      int end = Math.min(jsons.size(), from + ENQUEUE_BLOCK);
      chain = chain.compose(v -> enqueueBlock(queue, stream, ids, jsons, start, end, now));
    }
    return chain.map(v -> List.copyOf(ids));
  }

  private Future<Void> enqueueBlock(
      String queue,
      String stream,
      List<String> ids,
      List<String> jsons,
      int from,
      int to,
      long now) {
    List<Request> block = new ArrayList<>(to - from + 2);
    block.add(Request.cmd(Command.MULTI));
    for (int i = from; i < to; i++) {
      block.add(StreamEntries.xadd(stream, ids.get(i), jsons.get(i), now));
    }
    block.add(Request.cmd(Command.EXEC));
    return link.batch(block)
        .transform(
            ar -> {
              if (ar.failed()) {
                return Future.failedFuture(
                    notDone(
                        "jobs "
                            + from
                            + ".."
                            + (to - 1)
                            + " not enqueued on "
                            + queue
                            + (from > 0 ? " (jobs 0.." + (from - 1) + " were)" : ""),
                        ar.cause()));
              }
              Response exec = ar.result().get(ar.result().size() - 1);
              if (exec == null || exec.size() != to - from) {
                return Future.failedFuture(
                    new QueueUnavailableException(
                        "jobs "
                            + from
                            + ".."
                            + (to - 1)
                            + " not enqueued on "
                            + queue
                            + ": Redis aborted the transaction"));
              }
              return Future.succeededFuture();
            });
  }

  private String checkedPayload(String queue, JsonObject payload, int index) {
    if (payload == null) {
      throw new IllegalArgumentException(
          "payload " + index + " for " + queue + " is null: send a JSON object");
    }
    String json = payload.encode();
    int bytes =
        json.length() <= settings.maxPayloadBytes() / 4
            ? json.length()
            : json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > settings.maxPayloadBytes()) {
      throw new IllegalArgumentException(
          "payload "
              + index
              + " for "
              + queue
              + " is "
              + bytes
              + " bytes, above "
              + QueueSettings.ENV_MAX_PAYLOAD_BYTES
              + " = "
              + settings.maxPayloadBytes()
              + ": queue an id and load the data in the worker");
    }
    return json;
  }

  private static Throwable notDone(String what, Throwable cause) {
    if (cause instanceof QueueUnavailableException) {
      return new QueueUnavailableException(what + ": " + cause.getMessage(), cause);
    }
    // Redis answered with an error (out of memory, read-only replica...): the job was not stored
    // either.
    return new QueueUnavailableException(
        what + ": Redis refused it (" + RedisLink.describe(cause) + ")", cause);
  }

  @Override
  public Future<QueueDepth> depth(String queue) {
    return status(queue).map(QueueStatus::depth);
  }

  @Override
  public Future<Integer> consumers(String queue) {
    return status(queue).map(QueueStatus::consumers);
  }

  @Override
  public Future<QueueStatus> status(String queue) {
    QueueKeys keys;
    try {
      keys = new QueueKeys(queue);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    List<String> k = new ArrayList<>(keys.streams());
    k.add(keys.delayed());
    k.add(keys.dead());
    k.add(keys.consumers());
    return QueueScripts.STATUS
        .run(link, k, List.of(settings.consumerGroup()))
        .map(
            r -> {
              int n = Priority.values().length;
              long ready = 0;
              long inFlight = 0;
              for (int i = 0; i < n; i++) {
                long len = r.get(2 * i).toLong();
                long pending = r.get(2 * i + 1).toLong();
                // Acknowledged entries are deleted, so a stream holds exactly the pending and the
                // not yet delivered ones.
                ready += Math.max(0, len - pending);
                inFlight += pending;
              }
              long delayed = r.get(2 * n).toLong();
              long dead = r.get(2 * n + 1).toLong();
              int live = r.get(2 * n + 2).toInteger();
              return new QueueStatus(queue, new QueueDepth(ready, inFlight, delayed), live, dead);
            });
  }

  @Override
  public Future<List<QueueStatus>> status(List<String> queues) {
    List<Future<QueueStatus>> all = new ArrayList<>(queues.size());
    for (String q : queues) {
      all.add(status(q)); // sent back to back on one connection: pipelined
    }
    return Future.all(all)
        .map(
            cf -> {
              List<QueueStatus> out = new ArrayList<>(all.size());
              for (Future<QueueStatus> f : all) {
                out.add(f.result());
              }
              return out;
            });
  }

  @Override
  public Future<List<DeadLetter>> deadLetters(String queue, int limit) {
    QueueKeys keys;
    try {
      keys = new QueueKeys(queue);
      if (limit < 1 || limit > MAX_DEAD_LETTER_PAGE) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_DEAD_LETTER_PAGE + " (was " + limit + ")");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Request r =
        Request.cmd(Command.XREVRANGE).arg(keys.dead()).arg("+").arg("-").arg("COUNT").arg(limit);
    return link.send(r)
        .map(
            resp -> {
              List<DeadLetter> out = new ArrayList<>();
              if (resp == null) {
                return out;
              }
              for (Response entry : resp) {
                Map<String, String> f = StreamEntries.fields(entry.get(1));
                Priority p;
                try {
                  p = Priority.fromKey(f.getOrDefault("priority", Priority.NORMAL.key()));
                } catch (IllegalArgumentException e) {
                  p = Priority.NORMAL;
                }
                out.add(
                    new DeadLetter(
                        entry.get(0).toString(),
                        f.get(StreamEntries.ID),
                        queue,
                        p,
                        f.get(StreamEntries.PAYLOAD),
                        StreamEntries.intField(f, StreamEntries.ATTEMPTS, 0),
                        f.get(StreamEntries.ERROR),
                        Instant.ofEpochMilli(StreamEntries.longField(f, "failed", 0)),
                        f.get("consumer")));
              }
              return out;
            });
  }

  @Override
  public Future<Integer> requeueDeadLetters(String queue, int limit) {
    QueueKeys keys;
    try {
      keys = new QueueKeys(queue);
      if (limit < 1 || limit > MAX_DEAD_LETTER_PAGE) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_DEAD_LETTER_PAGE + " (was " + limit + ")");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    List<String> k = new ArrayList<>();
    k.add(keys.dead());
    k.addAll(keys.streams());
    List<String> a = new ArrayList<>();
    a.add(Integer.toString(limit));
    for (Priority p : Priority.values()) {
      a.add(p.key());
    }
    return QueueScripts.REQUEUE_DEAD.run(link, k, a).map(Response::toInteger);
  }

  @Override
  public JobConsumer consumer(
      String queue, Function<Job, Future<?>> handler, ConsumerOptions options) {
    QueueKeys keys = new QueueKeys(queue);
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options").validate();
    if (closed) {
      throw new IllegalStateException("this JobQueue is closed");
    }
    StreamJobConsumer c =
        new StreamJobConsumer(
            this, keys, handler, options.concurrency(), options.nameOrGenerated());
    consumers.add(c);
    return c;
  }

  void forget(StreamJobConsumer consumer) {
    consumers.remove(consumer);
  }

  @Override
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> stops = new ArrayList<>();
    for (StreamJobConsumer c : consumers) {
      stops.add(c.stop());
    }
    return Future.join(stops).transform(ar -> link.close());
  }
}
