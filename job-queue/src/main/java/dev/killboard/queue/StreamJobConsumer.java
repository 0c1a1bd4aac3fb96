package dev.killboard.queue;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link JobConsumer} on Redis Streams. All state is confined to the event-loop context the consumer was created on.
 * Reads (XREADGROUP, blocking) go over the consumer's own connection; acknowledgements, retries, heartbeats and
 * reclaims over the queue's shared command connection, so they are never stuck behind a blocking read.
 */
final class StreamJobConsumer implements JobConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(StreamJobConsumer.class);

  private static final int PROMOTE_BATCH = 100;
  private static final long PROMOTE_POLL_MILLIS = 1000;
  private static final long SETTLE_RETRY_MILLIS = 500;
  private static final int MAX_ERROR_CHARS = 2000;

  private enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

  private final RedisJobQueue owner;
  private final Vertx vertx;
  private final QueueSettings settings;
  private final QueueKeys keys;
  private final Function<Job, Future<?>> handler;
  private final int concurrency;
  private final String name;
  private final Context context;
  private final RedisLink reads;
  private final Backoff retryBackoff;
  private final long visibilityMillis;
  private final long tickMillis;
  private final long renewAfterNanos;
  private final Promise<Void> stopped = Promise.promise();

  // Everything below is touched on `context` only.
  private State state = State.NEW;
  private Future<Void> startFuture;
  private boolean reading;
  private boolean blocked;
  private boolean reclaiming;
  private boolean finishing;
  private boolean graceOver;
  private boolean paused;
  private long graceTimer = -1;
  private long clientId = -1;
  private final PriorityQueue<Delivery> buffer = new PriorityQueue<>(
    Comparator.<Delivery>comparingInt(d -> d.priority.ordinal()).thenComparingLong(d -> d.order));
  private final Map<String, Delivery> inFlight = new LinkedHashMap<>();
  private volatile int inFlightCount;
  private long tickTimer = -1;
  private long promoteTimer = -1;
  private long promoteDueNanos = Long.MAX_VALUE;

  StreamJobConsumer(RedisJobQueue owner, QueueKeys keys, Function<Job, Future<?>> handler, int concurrency,
                    String name) {
    this.owner = owner;
    this.vertx = owner.vertx();
    this.settings = owner.settings();
    this.keys = keys;
    this.handler = handler;
    this.concurrency = concurrency;
    this.name = name;
    this.context = vertx.getOrCreateContext();
    this.reads = new RedisLink(vertx, context, "reads of " + name + " on " + keys.queue(), settings,
      this::prepareReadConnection);
    this.retryBackoff = new Backoff(settings.backoffBase(), settings.backoffMax());
    this.visibilityMillis = settings.visibilityTimeout().toMillis();
    this.tickMillis = Math.max(10, Math.min(settings.heartbeatInterval().toMillis(), visibilityMillis / 3));
    this.renewAfterNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, visibilityMillis / 3));
  }

  @Override
  public String queue() {
    return keys.queue();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int inFlight() {
    return inFlightCount;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void pause() {
    context.runOnContext(v -> {
      if (!paused) {
        paused = true;
        LOG.info("Consumer {} of {} paused: takes no job until resumed ({} in flight)", name, keys.queue(), inFlight.size());
      }
    });
  }

  @Override
  public void resume() {
    context.runOnContext(v -> {
      if (paused) {
        paused = false;
        LOG.info("Consumer {} of {} resumed", name, keys.queue());
        drainBuffer();
      }
    });
  }

  @Override
  public Future<Void> start() {
    Promise<Void> result = Promise.promise();
    context.runOnContext(v -> {
      if (state != State.NEW) {
        result.fail(new IllegalStateException("consumer " + name + " of " + keys.queue() + " was already "
          + (state == State.STOPPED ? "stopped" : "started")));
        return;
      }
      state = State.STARTING;
      startFuture = reads.start()
        .compose(x -> onContext(heartbeat()))
        .<Void>mapEmpty()
        .onComplete(ar -> {
          if (ar.succeeded()) {
            state = State.RUNNING;
            LOG.info("Consumer {} of {} started ({} in flight at most, group {})", name, keys.queue(), concurrency,
              settings.consumerGroup());
            scheduleTick();
            schedulePromote(1);
            pump();
          } else {
            state = State.STOPPED;
            reads.close();
            owner.forget(this);
            stopped.tryComplete();
          }
        });
      startFuture.onComplete(result);
    });
    return result.future();
  }

  @Override
  public Future<Void> stop() {
    context.runOnContext(v -> {
      switch (state) {
        case NEW:
          state = State.STOPPED;
          owner.forget(this);
          stopped.tryComplete();
          break;
        case STARTING:
          startFuture.onComplete(ar -> beginStop());
          break;
        case RUNNING:
          beginStop();
          break;
        default:
          break; // already stopping or stopped
      }
    });
    return stopped.future();
  }

  private void beginStop() {
    if (state != State.RUNNING) {
      return;
    }
    state = State.STOPPING;
    LOG.info("Consumer {} of {} stopping: {} job(s) in flight", name, keys.queue(), inFlight.size());
    cancelPromote();
    // A handler that never completes must not hang an undeploy: after the visibility timeout its entry is
    // reclaimed by another consumer anyway, so stop waiting then.
    graceTimer = vertx.setTimer(Math.max(1, visibilityMillis), id -> {
      graceTimer = -1;
      if (!inFlight.isEmpty()) {
        LOG.warn("Consumer {} of {}: {} job(s) still running after the visibility timeout of {} ms; stopping without"
          + " them (they stay pending and will be redelivered)", name, keys.queue(), inFlight.size(), visibilityMillis);
      }
      graceOver = true;
      maybeFinishStop();
    });
    if (blocked && clientId >= 0) {
      // Ends the blocking XREADGROUP now instead of after the block timeout.
      owner.link().send(Request.cmd(Command.CLIENT).arg("UNBLOCK").arg(clientId))
        .onFailure(err -> LOG.debug("CLIENT UNBLOCK failed: {}", err.toString()));
    }
    maybeFinishStop();
  }

  private void maybeFinishStop() {
    if (state != State.STOPPING || reading || reclaiming || finishing || (!inFlight.isEmpty() && !graceOver)) {
      return;
    }
    finishing = true;
    if (graceTimer >= 0) {
      vertx.cancelTimer(graceTimer);
      graceTimer = -1;
    }
    List<Delivery> unstarted = new ArrayList<>(buffer);
    buffer.clear();
    release(unstarted)
      .transform(ar -> onContext(leave()))
      .transform(ar -> onContext(reads.close()))
      .onComplete(ar -> {
        if (tickTimer >= 0) {
          vertx.cancelTimer(tickTimer);
          tickTimer = -1;
        }
        state = State.STOPPED;
        owner.forget(this);
        LOG.info("Consumer {} of {} stopped", name, keys.queue());
        stopped.tryComplete();
      });
  }

  /** Runs on every (re)connection of the read connection: names it, notes its id, makes sure the groups exist. */
  private Future<Void> prepareReadConnection(RedisConnection conn) {
    return conn.send(Request.cmd(Command.CLIENT).arg("ID"))
      .compose(id -> {
        clientId = id.toLong();
        return conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg("kb-consumer:" + name));
      })
      .compose(x -> ensureGroups(conn::send));
  }

  private Future<Void> ensureGroups(Function<Request, Future<Response>> sender) {
    List<Future<Response>> all = new ArrayList<>();
    for (String stream : keys.streams()) {
      // From id 0, so jobs enqueued before the group existed are consumed too (acknowledged ones are deleted).
      Request create = Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(settings.consumerGroup())
        .arg("0").arg("MKSTREAM");
      all.add(sender.apply(create).recover(err -> err.getMessage() != null
        && err.getMessage().startsWith("BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(err)));
    }
    return Future.all(all).mapEmpty();
  }

  // ---------------------------------------------------------------- reading

  private int free() {
    return concurrency - inFlight.size();
  }

  /** Takes more work if there is room: higher priorities than anything buffered first, then waits for new entries. */
  private void pump() {
    if (state != State.RUNNING || reading || paused || free() <= 0) {
      return;
    }
    Delivery top = buffer.peek();
    if (top != null && top.priority.ordinal() == 0) {
      drainBuffer();
      return;
    }
    List<String> streams = keys.streamsAbove(top == null ? null : top.priority);
    reading = true;
    List<String> args = List.of(settings.consumerGroup(), name, Integer.toString(free()));
    onContext(QueueScripts.CLAIM.run(reads, streams, args)).onComplete(ar -> {
      reading = false;
      if (ar.failed()) {
        readFailed(ar.cause());
        return;
      }
      for (Response t : ar.result()) {
        buffer.add(decode(t.get(0).toString(), t.get(1).toString(), t.get(2), 1));
      }
      if (state != State.RUNNING) {
        maybeFinishStop();
      } else if (buffer.isEmpty()) {
        awaitNew();
      } else {
        drainBuffer();
      }
    });
  }

  /** Nothing ready: block on every priority stream until an entry arrives or the block time passes. */
  private void awaitNew() {
    List<String> streams = keys.streams();
    Request r = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(settings.consumerGroup()).arg(name)
      .arg("COUNT").arg(1).arg("BLOCK").arg(settings.blockTimeout().toMillis()).arg("STREAMS");
    for (String s : streams) {
      r.arg(s);
    }
    for (int i = 0; i < streams.size(); i++) {
      r.arg(">");
    }
    reading = true;
    blocked = true;
    long timeout = settings.blockTimeout().toMillis() + settings.commandTimeout().toMillis();
    onContext(reads.send(r, timeout)).onComplete(ar -> {
      reading = false;
      blocked = false;
      if (ar.failed()) {
        readFailed(ar.cause());
        return;
      }
      addReadReply(ar.result());
      if (state != State.RUNNING) {
        maybeFinishStop();
      } else if (buffer.isEmpty()) {
        pump();
      } else {
        drainBuffer();
      }
    });
  }

  /** XREADGROUP reply: [[stream, [[id, fields], ...]], ...] (RESP2) or {stream: [[id, fields], ...]} (RESP3). */
  private void addReadReply(Response reply) {
    if (reply == null) {
      return; // block time passed (or CLIENT UNBLOCK)
    }
    if (reply.isMap()) {
      for (String stream : reply.getKeys()) {
        addEntries(stream, reply.get(stream));
      }
    } else {
      for (Response s : reply) {
        addEntries(s.get(0).toString(), s.get(1));
      }
    }
  }

  private void addEntries(String stream, Response entries) {
    if (entries == null) {
      return;
    }
    for (Response e : entries) {
      buffer.add(decode(stream, e.get(0).toString(), e.get(1), 1));
    }
  }

  private Delivery decode(String stream, String entryId, Response fields, int deliveries) {
    return Delivery.decode(keys, stream, entryId, StreamEntries.fields(fields), deliveries);
  }

  private void readFailed(Throwable cause) {
    if (state != State.RUNNING) {
      maybeFinishStop();
      return;
    }
    String m = cause.getMessage();
    if (m != null && m.contains("NOGROUP")) {
      // Redis lost the group (restarted without persistence, or keys deleted by hand): recreate and go on.
      LOG.warn("Consumer group {} of {} is missing (Redis lost its data?); recreating it", settings.consumerGroup(),
        keys.queue());
      onContext(ensureGroups(reads::send)).onComplete(ar -> later(settings.reconnectMin().toMillis(), this::pump));
      return;
    }
    if (!RedisLink.isConnectionFailure(cause) && reads.isUp()) {
      LOG.warn("Consumer {} of {}: reading failed ({}); retrying", name, keys.queue(), RedisLink.describe(cause));
    }
    // The link logs the outage once and reconnects; reading resumes when it is back.
    onContext(reads.whenUp()).onComplete(ar -> later(settings.reconnectMin().toMillis(), this::pump));
  }

  private void drainBuffer() {
    while (state == State.RUNNING && !paused && free() > 0 && !buffer.isEmpty()) {
      dispatch(buffer.poll());
    }
    if (state == State.RUNNING && free() > 0) {
      pump();
    }
  }

  // ---------------------------------------------------------------- handling

  private void dispatch(Delivery d) {
    inFlight.put(d.key(), d);
    inFlightCount = inFlight.size();
    Future<Void> outcome;
    if (d.job == null) {
      LOG.error("Consumer {} of {}: entry {} is unreadable ({}); moving it to the dead letters", name, keys.queue(),
        d.key(), d.unreadable);
      outcome = deadLetter(d, "unreadable entry: " + d.unreadable, d.failedAttempts());
    } else if (d.job.attempt() > settings.maxAttempts()) {
      String error = "abandoned " + (d.job.attempt() - 1 - d.failedAttempts()) + " time(s) without an outcome"
        + " (its consumer crashed or exceeded the visibility timeout)"
        + (d.job.lastError() != null ? "; last error: " + d.job.lastError() : "");
      LOG.error("Consumer {} of {}: {} reached {} attempts; moving it to the dead letters: {}", name, keys.queue(),
        d.job, settings.maxAttempts(), error);
      outcome = deadLetter(d, error, d.job.attempt() - 1);
    } else {
      outcome = runHandler(d.job).transform(ar -> settle(d, ar));
    }
    outcome.onComplete(ar -> finished(d));
  }

  private Future<Void> runHandler(Job job) {
    Future<?> f;
    try {
      f = handler.apply(job);
      if (f == null) {
        f = Future.failedFuture(new IllegalStateException("the handler returned null instead of a Future"));
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      f = Future.failedFuture(t);
    }
    return onContext(f).mapEmpty();
  }

  private void finished(Delivery d) {
    inFlight.remove(d.key());
    inFlightCount = inFlight.size();
    if (state == State.RUNNING) {
      pump();
    } else {
      maybeFinishStop();
    }
  }

  private Future<Void> settle(Delivery d, AsyncResult<Void> result) {
    if (result.succeeded()) {
      return settleWith(d, "acknowledge", () -> QueueScripts.ACK.run(owner.link(), List.of(d.stream),
        List.of(settings.consumerGroup(), d.entryId)));
    }
    Throwable cause = result.cause();
    if (cause instanceof JobHandedBack) {
      LOG.debug("Consumer {} of {}: handing {} back unchanged: {}", name, keys.queue(), d.job, cause.getMessage());
      return settleWith(d, "hand back", () -> QueueScripts.RELEASE.run(owner.link(), List.of(d.stream),
        List.of(settings.consumerGroup(), d.entryId)));
    }
    if (cause instanceof JobRejected) {
      LOG.info("Consumer {} of {}: dropping {}: {}", name, keys.queue(), d.job, cause.getMessage());
      return settleWith(d, "drop", () -> QueueScripts.ACK.run(owner.link(), List.of(d.stream),
        List.of(settings.consumerGroup(), d.entryId)));
    }
    String error = errorText(cause);
    int attempt = d.job.attempt();
    if (attempt >= settings.maxAttempts()) {
      LOG.error("Consumer {} of {}: {} failed on its last attempt ({}/{}); moving it to the dead letters: {}", name,
        keys.queue(), d.job, attempt, settings.maxAttempts(), error);
      return deadLetter(d, error, attempt);
    }
    long delay = retryBackoff.delayMillis(attempt);
    LOG.warn("Consumer {} of {}: {} failed (attempt {}/{}), retrying in {} ms: {}", name, keys.queue(), d.job,
      attempt, settings.maxAttempts(), delay, error);
    if (LOG.isDebugEnabled()) {
      LOG.debug("Failure of " + d.job, cause);
    }
    String member = StreamEntries.retryMember(d.priority, d.fields, d.job.id(), attempt, error);
    return settleWith(d, "schedule the retry of", () -> QueueScripts.RETRY.run(owner.link(),
      List.of(d.stream, keys.delayed()),
      List.of(settings.consumerGroup(), d.entryId, Long.toString(delay), member)))
      .onSuccess(x -> schedulePromote(delay));
  }

  private Future<Void> deadLetter(Delivery d, String error, int attempts) {
    List<String> args = new ArrayList<>();
    args.add(settings.consumerGroup());
    args.add(d.entryId);
    addField(args, StreamEntries.ID, d.jobId());
    addField(args, "priority", d.priority.key());
    // Keep the original text, even when it is not JSON: a dead letter must lose nothing.
    addField(args, StreamEntries.PAYLOAD, d.fields.containsKey(StreamEntries.PAYLOAD)
      ? d.fields.get(StreamEntries.PAYLOAD) : new JsonObject(new LinkedHashMap<>(d.fields)).encode());
    addField(args, StreamEntries.ATTEMPTS, Integer.toString(attempts));
    addField(args, StreamEntries.ERROR, error);
    addField(args, "failed", Long.toString(System.currentTimeMillis()));
    addField(args, "consumer", name);
    addField(args, StreamEntries.ENQUEUED, d.fields.getOrDefault(StreamEntries.ENQUEUED, "0"));
    addField(args, "entry", d.entryId);
    return settleWith(d, "dead-letter", () -> QueueScripts.DEAD_LETTER.run(owner.link(),
      List.of(d.stream, keys.dead()), args));
  }

  private static void addField(List<String> args, String field, String value) {
    args.add(field);
    args.add(value == null ? "" : value);
  }

  /**
   * Runs a settling script (ack, retry, dead letter). While the command connection is down it tries again every
   * half second, up to the visibility timeout (after that the entry is reclaimed anyway) or until the consumer
   * stops; a script that returns 0 found the entry no longer pending, i.e. already settled elsewhere.
   */
  private Future<Void> settleWith(Delivery d, String what, Supplier<Future<Response>> op) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(visibilityMillis);
    trySettle(d, what, op, deadline, done);
    return done.future();
  }

  private void trySettle(Delivery d, String what, Supplier<Future<Response>> op, long deadline, Promise<Void> done) {
    onContext(op.get()).onComplete(ar -> {
      if (ar.succeeded()) {
        if (ar.result() != null && ar.result().toInteger() == 0) {
          LOG.warn("Consumer {} of {}: could not {} {}: it is no longer pending (its lease was lost and another"
            + " consumer took it, or Redis lost it)", name, keys.queue(), what, d);
        }
        done.complete();
        return;
      }
      Throwable err = ar.cause();
      boolean retryable = RedisLink.isConnectionFailure(err) && System.nanoTime() < deadline
        && (state == State.RUNNING || owner.link().isUp());
      if (!retryable) {
        LOG.error("Consumer {} of {}: could not {} {} ({}); it stays pending and will be redelivered after the"
          + " visibility timeout", name, keys.queue(), what, d, RedisLink.describe(err));
        done.complete();
        return;
      }
      later(SETTLE_RETRY_MILLIS, () -> trySettle(d, what, op, deadline, done));
    });
  }

  private static String errorText(Throwable t) {
    String m = t.getMessage();
    String text;
    if (m == null || m.isBlank()) {
      text = t.getClass().getName();
    } else if (t.getClass().getName().contains("NoStackTrace")) {
      text = m; // Future.failedFuture("...") carries just a message
    } else {
      text = t.getClass().getSimpleName() + ": " + m;
    }
    return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
  }

  // ---------------------------------------------------------------- periodic work

  private void scheduleTick() {
    tickTimer = vertx.setTimer(tickMillis, id -> tick());
  }

  /** Heartbeat, lease renewal of held entries, and reclaim of entries abandoned by other consumers. */
  private void tick() {
    tickTimer = -1;
    if (state != State.RUNNING && state != State.STOPPING) {
      return;
    }
    heartbeat().onFailure(err -> LOG.debug("Heartbeat of {} failed: {}", name, err.toString()));
    renewLeases();
    if (state == State.RUNNING) {
      reclaim();
    }
    scheduleTick();
  }

  private Future<Response> heartbeat() {
    long ttl = 3 * settings.heartbeatInterval().toMillis();
    return QueueScripts.HEARTBEAT.run(owner.link(), List.of(keys.consumers()), List.of(name, Long.toString(ttl)));
  }

  private void renewLeases() {
    long now = System.nanoTime();
    Map<String, List<Delivery>> due = new LinkedHashMap<>();
    List<Delivery> held = new ArrayList<>(inFlight.values());
    held.addAll(buffer);
    for (Delivery d : held) {
      if (now - d.leaseAtNanos >= renewAfterNanos) {
        due.computeIfAbsent(d.stream, s -> new ArrayList<>()).add(d);
      }
    }
    for (Map.Entry<String, List<Delivery>> e : due.entrySet()) {
      List<String> args = new ArrayList<>();
      args.add(settings.consumerGroup());
      args.add(name);
      for (Delivery d : e.getValue()) {
        args.add(d.entryId);
      }
      onContext(QueueScripts.RENEW.run(owner.link(), List.of(e.getKey()), args)).onComplete(ar -> {
        if (ar.failed()) {
          LOG.debug("Lease renewal of {} failed: {}", name, ar.cause().toString());
          return;
        }
        List<String> lost = new ArrayList<>();
        for (Response r : ar.result()) {
          lost.add(r.toString());
        }
        for (Delivery d : e.getValue()) {
          if (lost.contains(d.entryId)) {
            LOG.warn("Consumer {} of {}: lost the lease of {} (it ran longer than the visibility timeout of {} ms"
              + " while renewals failed); another consumer may run it too", name, keys.queue(), d, visibilityMillis);
          } else {
            d.leaseAtNanos = now;
          }
        }
      });
    }
  }

  private void reclaim() {
    int room = free() - buffer.size();
    if (reclaiming || room <= 0) {
      return;
    }
    reclaiming = true;
    reclaimFrom(keys.streams(), 0, room);
  }

  private void reclaimFrom(List<String> streams, int index, int room) {
    if (index >= streams.size() || room <= 0 || state != State.RUNNING) {
      reclaiming = false;
      if (state == State.RUNNING) {
        drainBuffer();
      } else {
        maybeFinishStop();
      }
      return;
    }
    String stream = streams.get(index);
    long prune = Math.max(3_600_000L, 10 * visibilityMillis);
    List<String> args = List.of(settings.consumerGroup(), name, Long.toString(visibilityMillis),
      Integer.toString(room), Long.toString(prune));
    onContext(QueueScripts.RECLAIM.run(owner.link(), List.of(stream), args)).onComplete(ar -> {
      int taken = 0;
      if (ar.failed()) {
        String m = ar.cause().getMessage();
        if (m == null || !m.contains("NOGROUP")) {
          LOG.debug("Reclaim on {} failed: {}", stream, ar.cause().toString());
        }
      } else {
        for (Response t : ar.result()) {
          buffer.add(decode(stream, t.get(0).toString(), t.get(1), t.get(2).toInteger()));
          taken++;
        }
        if (taken > 0) {
          LOG.info("Consumer {} of {}: reclaimed {} job(s) idle for more than {} ms from {} (a consumer crashed or"
            + " stalled)", name, keys.queue(), taken, visibilityMillis, stream);
        }
      }
      reclaimFrom(streams, index + 1, room - taken);
    });
  }

  private void schedulePromote(long delayMillis) {
    if (state != State.RUNNING && state != State.STARTING) {
      return;
    }
    long delay = Math.max(1, delayMillis);
    long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
    if (promoteTimer >= 0) {
      if (promoteDueNanos <= at) {
        return; // an earlier promotion is already scheduled
      }
      vertx.cancelTimer(promoteTimer);
    }
    promoteDueNanos = at;
    promoteTimer = vertx.setTimer(delay, id -> {
      promoteTimer = -1;
      promoteDueNanos = Long.MAX_VALUE;
      promote();
    });
  }

  private void cancelPromote() {
    if (promoteTimer >= 0) {
      vertx.cancelTimer(promoteTimer);
      promoteTimer = -1;
      promoteDueNanos = Long.MAX_VALUE;
    }
  }

  /** Moves due retries back into their streams; reschedules itself for the next due time (or polls each second). */
  private void promote() {
    if (state != State.RUNNING) {
      return;
    }
    List<String> k = new ArrayList<>();
    k.add(keys.delayed());
    k.add(keys.dead());
    k.addAll(keys.streams());
    List<String> a = new ArrayList<>();
    a.add(Integer.toString(PROMOTE_BATCH));
    for (Priority p : Priority.values()) {
      a.add(p.key());
    }
    onContext(QueueScripts.PROMOTE.run(owner.link(), k, a)).onComplete(ar -> {
      long next = PROMOTE_POLL_MILLIS;
      if (ar.succeeded()) {
        long moved = ar.result().get(0).toLong();
        long wait = ar.result().get(1).toLong();
        if (moved >= PROMOTE_BATCH) {
          next = 1;
        } else if (wait >= 0) {
          next = Math.max(1, Math.min(wait, PROMOTE_POLL_MILLIS));
        }
      } else {
        LOG.debug("Promotion of retries on {} failed: {}", keys.queue(), ar.cause().toString());
      }
      schedulePromote(next);
    });
  }

  // ---------------------------------------------------------------- stop helpers

  /** Gives entries that were taken but never started back to their streams, so other consumers get them now. */
  private Future<Void> release(List<Delivery> unstarted) {
    if (unstarted.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, List<String>> byStream = new LinkedHashMap<>();
    for (Delivery d : unstarted) {
      byStream.computeIfAbsent(d.stream, s -> new ArrayList<>()).add(d.entryId);
    }
    List<Future<Response>> all = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byStream.entrySet()) {
      List<String> args = new ArrayList<>();
      args.add(settings.consumerGroup());
      args.addAll(e.getValue());
      all.add(QueueScripts.RELEASE.run(owner.link(), List.of(e.getKey()), args));
    }
    return onContext(Future.join(all)).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("Consumer {} of {}: could not give back {} unstarted job(s) ({}); they will be reclaimed after the"
          + " visibility timeout", name, keys.queue(), unstarted.size(), RedisLink.describe(ar.cause()));
      }
      return Future.succeededFuture();
    });
  }

  private Future<Response> leave() {
    List<String> k = new ArrayList<>();
    k.add(keys.consumers());
    k.addAll(keys.streams());
    return QueueScripts.LEAVE.run(owner.link(), k, List.of(settings.consumerGroup(), name))
      .recover(err -> {
        LOG.debug("Consumer {} could not leave cleanly: {}", name, err.toString());
        return Future.succeededFuture();
      });
  }

  // ---------------------------------------------------------------- context helpers

  /** Delivers a future's outcome on this consumer's context, whatever context completed it. */
  private <T> Future<T> onContext(Future<T> f) {
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        p.handle(ar);
      } else {
        context.runOnContext(v -> p.handle(ar));
      }
    });
    return p.future();
  }

  private void later(long millis, Runnable action) {
    vertx.setTimer(Math.max(1, millis), id -> action.run());
  }

  @Override
  public String toString() {
    return "JobConsumer{" + keys.queue() + ", " + name + ", state " + state + "}";
  }
}
