package dev.killboard.queue;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobConsumer} on Redis Streams: the orchestrator of one consumer. It reads entries ({@link
 * EntryReader}, its own connection) into {@link JobSlots}, which runs up to {@code concurrency}
 * handlers and hands each outcome to {@link Settlement}; on a timer {@link LeaseKeeper} beats,
 * renews and reclaims, {@link DelayedPromotion} brings due retries back, and {@link ConsumerStop}
 * ends a stop. The parts talk to Redis over the queue's shared command connection. All state is
 * confined to the event-loop context the consumer was created on, and its life is one {@link
 * ConsumerState}.
 */
final class StreamJobConsumer implements JobConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(StreamJobConsumer.class);

  private final RedisJobQueue owner;
  private final ConsumerContext ctx;
  private final QueueKeys keys;
  private final int concurrency;
  private final String name;
  private final EntryReader reader;
  private final LeaseKeeper leases;
  private final DelayedPromotion promotion;
  private final JobSlots slots;
  private final ConsumerStop ending;
  private final Promise<Void> stopped = Promise.promise();

  // Everything below is touched on the context only.
  private ConsumerState state = ConsumerState.NEW;
  // PAUSED when pause() came before the start completed.
  private ConsumerState onceStarted = ConsumerState.RUNNING;
  private Future<Void> startFuture;

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
    this.concurrency = concurrency;
    this.name = name;
    QueueSettings settings = owner.settings();
    this.reader = new EntryReader(ctx, owner.link(), keys, settings, name);
    this.promotion = new DelayedPromotion(ctx, owner.link(), keys);
    Settlement settlement =
        new Settlement(
            ctx, owner.link(), keys, settings, name, () -> state.consuming(), promotion::schedule);
    this.leases = new LeaseKeeper(ctx, owner.link(), keys, settings, name);
    this.slots = new JobSlots(ctx, settlement, handler, concurrency, this::settled);
    this.ending = new ConsumerStop(ctx, keys, settings, name, settlement, leases, reader::close);
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
    return slots.running();
  }

  @Override
  public void pause() {
    ctx.run(
        () -> {
          if (state == ConsumerState.NEW || state == ConsumerState.STARTING) {
            onceStarted = ConsumerState.PAUSED;
          } else if (state == ConsumerState.RUNNING) {
            state = ConsumerState.PAUSED;
            LOG.info(
                "Consumer {} of {} paused: takes no job until resumed ({} in flight)",
                name,
                keys.queue(),
                slots.running());
          }
        });
  }

  @Override
  public void resume() {
    ctx.run(
        () -> {
          if (state == ConsumerState.NEW || state == ConsumerState.STARTING) {
            onceStarted = ConsumerState.RUNNING;
          } else if (state == ConsumerState.PAUSED) {
            state = ConsumerState.RUNNING;
            LOG.info("Consumer {} of {} resumed", name, keys.queue());
            runWaiting();
          }
        });
  }

  @Override
  public Future<Void> start() {
    Promise<Void> result = Promise.promise();
    ctx.run(
        () -> {
          if (state != ConsumerState.NEW) {
            String was = state == ConsumerState.STOPPED ? "stopped" : "started";
            result.fail(
                new IllegalStateException(
                    "consumer " + name + " of " + keys.queue() + " was already " + was));
            return;
          }
          state = ConsumerState.STARTING;
          startFuture =
              reader.start().compose(x -> leases.heartbeat()).<Void>mapEmpty().andThen(this::began);
          startFuture.onComplete(result);
        });
    return result.future();
  }

  private void began(AsyncResult<Void> start) {
    if (start.failed()) {
      reader.close();
      stopped(false);
      return;
    }
    state = onceStarted;
    LOG.info(
        "Consumer {} of {} started ({} in flight at most, group {})",
        name,
        keys.queue(),
        concurrency,
        owner.settings().consumerGroup());
    leases.keep(slots::held, slots::room, () -> state.consuming(), this::taken);
    promotion.start();
    pump();
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
    state = ConsumerState.DRAINING;
    LOG.info(
        "Consumer {} of {} stopping: {} job(s) in flight", name, keys.queue(), slots.running());
    promotion.stop();
    ending.grace(
        slots::running,
        () -> {
          if (state == ConsumerState.DRAINING) {
            state = ConsumerState.ABANDONING;
            maybeFinish();
          }
        });
    reader.unblock();
    maybeFinish();
  }

  /** Finishes a stop once nothing is left to wait for: reads, a reclaim, jobs (while draining). */
  private void maybeFinish() {
    boolean waiting =
        reader.busy()
            || leases.reclaiming()
            || (state == ConsumerState.DRAINING && slots.running() > 0);
    if ((state != ConsumerState.DRAINING && state != ConsumerState.ABANDONING) || waiting) {
      return;
    }
    state = ConsumerState.FINISHING;
    ending.finish(slots.takeWaiting()).onComplete(ar -> stopped(true));
  }

  private void stopped(boolean ran) {
    leases.stopKeeping();
    state = ConsumerState.STOPPED;
    owner.forget(this);
    if (ran) {
      LOG.info("Consumer {} of {} stopped", name, keys.queue());
    }
    stopped.tryComplete();
  }

  /**
   * Takes more work if there is room: higher priorities than anything waiting first, then waits for
   * new entries.
   */
  private void pump() {
    if (state != ConsumerState.RUNNING || reader.busy() || slots.free() <= 0) {
      return;
    }
    Priority top = slots.firstWaiting();
    if (top != null && top.ordinal() == 0) {
      runWaiting();
      return;
    }
    reader
        .claim(top, slots.free())
        .onComplete(
            ar -> {
              boolean none = ar.succeeded() && ar.result().isEmpty() && slots.noneWaiting();
              if (none && state == ConsumerState.RUNNING) {
                reader.awaitNew().onComplete(this::taken);
              } else {
                taken(ar);
              }
            });
  }

  /** Entries read or reclaimed (or the read's failure). */
  private void taken(AsyncResult<List<Delivery>> read) {
    if (read.succeeded()) {
      slots.took(read.result());
    }
    if (!state.consuming()) {
      maybeFinish();
    } else if (read.failed()) {
      reader.recover(read.cause()).onComplete(ar -> pump());
    } else {
      runWaiting();
    }
  }

  private void runWaiting() {
    slots.startWaiting(() -> state == ConsumerState.RUNNING);
    pump();
  }

  /** A running job was settled: its slot is free. */
  private void settled() {
    if (state.consuming()) {
      pump();
    } else {
      maybeFinish();
    }
  }

  @Override
  public String toString() {
    return "JobConsumer{" + keys.queue() + ", " + name + ", state " + state + "}";
  }
}
