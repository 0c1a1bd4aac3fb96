package dev.killboard.queue;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobConsumer} on Redis Streams: the orchestrator of one consumer. It reads entries ({@link
 * EntryReader}, its own connection), buffers them by priority, runs up to {@code concurrency}
 * handlers and hands each outcome to {@link Settlement}; on a timer {@link LeaseKeeper} beats,
 * renews and reclaims, and {@link DelayedPromotion} brings due retries back. The parts talk to
 * Redis over the queue's shared command connection. All state is confined to the event-loop context
 * the consumer was created on, and its life is one {@link State}.
 */
final class StreamJobConsumer implements JobConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(StreamJobConsumer.class);

  /** The consumer's life; every transition happens on its context. */
  enum State {
    NEW,
    STARTING,
    /** Takes jobs. */
    RUNNING,
    /** Takes no job; jobs in flight go on and read entries wait with their leases kept. */
    PAUSED,
    /**
     * Stop asked: reads no more, waits for jobs in flight (one visibility timeout at most) and
     * outstanding reads.
     */
    DRAINING,
    /**
     * The visibility timeout passed while draining: waits only for outstanding reads, not for jobs.
     */
    ABANDONING,
    /** Gives back unstarted entries, leaves the group, closes the read connection. */
    FINISHING,
    STOPPED;

    boolean consuming() {
      return this == RUNNING || this == PAUSED;
    }
  }

  private final RedisJobQueue owner;
  private final ConsumerContext ctx;
  private final QueueKeys keys;
  private final Function<Job, Future<?>> handler;
  private final int concurrency;
  private final String name;
  private final long visibilityMillis;
  private final EntryReader reader;
  private final Settlement settlement;
  private final LeaseKeeper leases;
  private final DelayedPromotion promotion;
  private final Promise<Void> stopped = Promise.promise();

  // Everything below is touched on the context only.
  private State state = State.NEW;
  private State onceStarted = State.RUNNING; // PAUSED when pause() came before the start completed
  private Future<Void> startFuture;
  private long graceTimer = -1;
  private long tickTimer = -1;
  private final PriorityQueue<Delivery> buffer =
      new PriorityQueue<>(
          Comparator.<Delivery>comparingInt(d -> d.priority.ordinal())
              .thenComparingLong(d -> d.order));
  private final Map<String, Delivery> inFlight = new LinkedHashMap<>();
  private volatile int inFlightCount;

  StreamJobConsumer(
      RedisJobQueue owner,
      QueueKeys keys,
      Function<Job, Future<?>> handler,
      int concurrency,
      String name) {
    this.owner = owner;
    Vertx vertx = owner.vertx();
    this.ctx = new ConsumerContext(vertx, vertx.getOrCreateContext());
    this.keys = keys;
    this.handler = handler;
    this.concurrency = concurrency;
    this.name = name;
    QueueSettings settings = owner.settings();
    this.visibilityMillis = settings.visibilityTimeout().toMillis();
    this.reader = new EntryReader(ctx, owner.link(), keys, settings, name);
    this.promotion = new DelayedPromotion(ctx, owner.link(), keys);
    this.settlement =
        new Settlement(
            ctx, owner.link(), keys, settings, name, () -> state.consuming(), promotion::schedule);
    this.leases = new LeaseKeeper(ctx, owner.link(), keys, settings, name);
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
    ctx.run(
        () -> {
          if (state == State.NEW || state == State.STARTING) {
            onceStarted = State.PAUSED;
          } else if (state == State.RUNNING) {
            state = State.PAUSED;
            LOG.info(
                "Consumer {} of {} paused: takes no job until resumed ({} in flight)",
                name,
                keys.queue(),
                inFlight.size());
          }
        });
  }

  @Override
  public void resume() {
    ctx.run(
        () -> {
          if (state == State.NEW || state == State.STARTING) {
            onceStarted = State.RUNNING;
          } else if (state == State.PAUSED) {
            state = State.RUNNING;
            LOG.info("Consumer {} of {} resumed", name, keys.queue());
            drainBuffer();
          }
        });
  }

  @Override
  public Future<Void> start() {
    Promise<Void> result = Promise.promise();
    ctx.run(
        () -> {
          if (state != State.NEW) {
            result.fail(
                new IllegalStateException(
                    "consumer "
                        + name
                        + " of "
                        + keys.queue()
                        + " was already "
                        + (state == State.STOPPED ? "stopped" : "started")));
            return;
          }
          state = State.STARTING;
          startFuture =
              reader
                  .start()
                  .compose(x -> leases.heartbeat())
                  .<Void>mapEmpty()
                  .onComplete(
                      ar -> {
                        if (ar.succeeded()) {
                          state = onceStarted;
                          LOG.info(
                              "Consumer {} of {} started ({} in flight at most, group {})",
                              name,
                              keys.queue(),
                              concurrency,
                              owner.settings().consumerGroup());
                          tickTimer = ctx.later(leases.tickMillis(), this::tick);
                          promotion.start();
                          pump();
                        } else {
                          reader.close();
                          stopped(false);
                        }
                      });
          startFuture.onComplete(result);
        });
    return result.future();
  }

  @Override
  public Future<Void> stop() {
    ctx.run(
        () -> {
          switch (state) {
            case NEW -> stopped(false);
            case STARTING -> startFuture.onComplete(ar -> drain());
            case RUNNING, PAUSED -> drain();
            default -> {} // already stopping or stopped
          }
        });
    return stopped.future();
  }

  private void drain() {
    if (!state.consuming()) {
      return;
    }
    state = State.DRAINING;
    LOG.info(
        "Consumer {} of {} stopping: {} job(s) in flight", name, keys.queue(), inFlight.size());
    promotion.stop();
    // A handler that never completes must not hang an undeploy: after the visibility timeout its
    // entry is
    // reclaimed by another consumer anyway, so stop waiting then.
    graceTimer =
        ctx.later(
            visibilityMillis,
            () -> {
              graceTimer = -1;
              if (state == State.DRAINING) {
                if (!inFlight.isEmpty()) {
                  LOG.warn(
                      "Consumer {} of {}: {} job(s) still running after the visibility timeout of {} ms; stopping"
                          + " without them (they stay pending and will be redelivered)",
                      name,
                      keys.queue(),
                      inFlight.size(),
                      visibilityMillis);
                }
                state = State.ABANDONING;
                maybeFinish();
              }
            });
    reader.unblock();
    maybeFinish();
  }

  private void maybeFinish() {
    boolean waiting =
        reader.busy() || leases.reclaiming() || (state == State.DRAINING && !inFlight.isEmpty());
    if ((state != State.DRAINING && state != State.ABANDONING) || waiting) {
      return;
    }
    state = State.FINISHING;
    ctx.cancel(graceTimer);
    graceTimer = -1;
    List<Delivery> unstarted = new ArrayList<>(buffer);
    buffer.clear();
    settlement
        .release(unstarted)
        .transform(ar -> leases.leave())
        .transform(ar -> reader.close())
        .onComplete(ar -> stopped(true));
  }

  private void stopped(boolean ran) {
    ctx.cancel(tickTimer);
    tickTimer = -1;
    state = State.STOPPED;
    owner.forget(this);
    if (ran) {
      LOG.info("Consumer {} of {} stopped", name, keys.queue());
    }
    stopped.tryComplete();
  }

  // ---------------------------------------------------------------- reading and running

  private int free() {
    return concurrency - inFlight.size();
  }

  /**
   * Takes more work if there is room: higher priorities than anything buffered first, then waits
   * for new entries.
   */
  private void pump() {
    if (state != State.RUNNING || reader.busy() || free() <= 0) {
      return;
    }
    Delivery top = buffer.peek();
    if (top != null && top.priority.ordinal() == 0) {
      drainBuffer();
      return;
    }
    reader
        .claim(top == null ? null : top.priority, free())
        .onComplete(
            ar -> {
              if (ar.succeeded()
                  && ar.result().isEmpty()
                  && buffer.isEmpty()
                  && state == State.RUNNING) {
                reader.awaitNew().onComplete(this::taken);
              } else {
                taken(ar);
              }
            });
  }

  private void taken(AsyncResult<List<Delivery>> read) {
    if (read.succeeded()) {
      buffer.addAll(read.result());
    }
    if (!state.consuming()) {
      maybeFinish();
    } else if (read.failed()) {
      reader.recover(read.cause()).onComplete(ar -> pump());
    } else {
      drainBuffer();
    }
  }

  private void drainBuffer() {
    while (state == State.RUNNING && free() > 0 && !buffer.isEmpty()) {
      run(buffer.poll());
    }
    pump();
  }

  private void run(Delivery d) {
    inFlight.put(d.key(), d);
    inFlightCount = inFlight.size();
    Future<Void> outcome = settlement.refuseUnrunnable(d);
    if (outcome == null) {
      outcome = ctx.deliver(runHandler(d.job)).transform(ar -> settlement.settle(d, ar));
    }
    outcome.onComplete(
        ar -> {
          inFlight.remove(d.key());
          inFlightCount = inFlight.size();
          if (state.consuming()) {
            pump();
          } else {
            maybeFinish();
          }
        });
  }

  private Future<Void> runHandler(Job job) {
    try {
      Future<?> f = handler.apply(job);
      return f == null
          ? Future.failedFuture(
              new IllegalStateException("the handler returned null instead of a Future"))
          : f.mapEmpty();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  // ---------------------------------------------------------------- periodic work

  /**
   * Heartbeat, lease renewal of held entries, and reclaim of entries abandoned by other consumers.
   */
  private void tick() {
    tickTimer = -1;
    if (state == State.STOPPED || state == State.FINISHING) {
      return;
    }
    leases
        .heartbeat()
        .onFailure(err -> LOG.debug("Heartbeat of {} failed: {}", name, err.toString()));
    List<Delivery> held = new ArrayList<>(inFlight.values());
    held.addAll(buffer);
    leases.renew(held);
    int room = free() - buffer.size();
    if (state.consuming() && !leases.reclaiming() && room > 0) {
      leases.reclaim(room, () -> state.consuming()).onComplete(this::taken);
    }
    tickTimer = ctx.later(leases.tickMillis(), this::tick);
  }

  @Override
  public String toString() {
    return "JobConsumer{" + keys.queue() + ", " + name + ", state " + state + "}";
  }
}
