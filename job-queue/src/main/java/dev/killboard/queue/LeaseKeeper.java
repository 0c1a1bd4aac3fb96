package dev.killboard.queue;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a consumer's claim on its work, on one timer ({@link #keep}): a heartbeat (the
 * live-consumer count of the queue's status), renewal of the leases of entries it holds (reset
 * their idle time each third of the visibility timeout, so a long job is not taken over while its
 * consumer lives), reclaim of entries other consumers abandoned (idle longer than the visibility
 * timeout); and leaving the group on stop.
 */
final class LeaseKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  private final ConsumerContext ctx;
  private final QueueCommands link;
  private final QueueKeys keys;
  private final QueueSettings settings;
  private final String consumer;
  private final long visibilityMillis;
  private final long tickMillis;
  private final long renewAfterNanos;
  private Future<List<Delivery>> reclaim;
  // The tick's inputs, set by keep(); touched on the context only.
  private Supplier<? extends Collection<Delivery>> held;
  private IntSupplier room;
  private BooleanSupplier consuming;
  private Handler<AsyncResult<List<Delivery>>> reclaimed;
  private long timer = -1;

  LeaseKeeper(
      ConsumerContext ctx,
      QueueCommands link,
      QueueKeys keys,
      QueueSettings settings,
      String consumer) {
    this.ctx = ctx;
    this.link = link;
    this.keys = keys;
    this.settings = settings;
    this.consumer = consumer;
    this.visibilityMillis = settings.visibilityTimeout().toMillis();
    this.tickMillis =
        Math.max(10, Math.min(settings.heartbeatInterval().toMillis(), visibilityMillis / 3));
    this.renewAfterNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, visibilityMillis / 3));
  }

  /** How often the keeper beats, renews and reclaims. */
  long tickMillis() {
    return tickMillis;
  }

  /**
   * Every tick until {@link #stopKeeping()}: beats, renews the leases of the {@code held} entries
   * that are due, and, while {@code consuming} holds, no reclaim is under way and the consumer has
   * {@code room}, reclaims abandoned entries and hands them to {@code reclaimed}.
   */
  void keep(
      Supplier<? extends Collection<Delivery>> held,
      IntSupplier room,
      BooleanSupplier consuming,
      Handler<AsyncResult<List<Delivery>>> reclaimed) {
    this.held = held;
    this.room = room;
    this.consuming = consuming;
    this.reclaimed = reclaimed;
    timer = ctx.later(tickMillis, this::tick);
  }

  /** No tick after this (a renewal or reclaim under way still answers). */
  void stopKeeping() {
    ctx.cancel(timer);
    timer = -1;
    held = null;
  }

  /** Whether the keeper ticks. */
  boolean keeping() {
    return held != null;
  }

  private void tick() {
    timer = -1;
    if (held == null) {
      return;
    }
    heartbeat().onFailure(err -> LOG.debug("Heartbeat of {} failed: {}", consumer, err.toString()));
    renew(held.get());
    int free = room.getAsInt();
    if (consuming.getAsBoolean() && reclaim == null && free > 0) {
      reclaim(free, consuming).onComplete(reclaimed);
    }
    if (held != null) { // the reclaimed entries may have stopped the consumer
      timer = ctx.later(tickMillis, this::tick);
    }
  }

  /** Marks the consumer alive for three heartbeat intervals. */
  Future<Response> heartbeat() {
    long ttl = 3 * settings.heartbeatInterval().toMillis();
    return ctx.deliver(
        link.run(
            QueueScripts.HEARTBEAT,
            List.of(keys.consumers()),
            List.of(consumer, Long.toString(ttl))));
  }

  /**
   * Renews the leases of the held entries last renewed a third of the visibility timeout ago or
   * earlier, one script per stream. An entry no longer owned is logged (another consumer may run it
   * too); failures wait for the next tick.
   *
   * @return completes when every renewal has an answer
   */
  Future<Void> renew(Collection<Delivery> held) {
    long now = System.nanoTime();
    Map<String, List<Delivery>> due = new LinkedHashMap<>();
    for (Delivery d : held) {
      if (now - d.leaseAtNanos >= renewAfterNanos) {
        due.computeIfAbsent(d.stream, s -> new ArrayList<>()).add(d);
      }
    }
    List<Future<Void>> all = new ArrayList<>();
    for (Map.Entry<String, List<Delivery>> e : due.entrySet()) {
      List<String> args = new ArrayList<>();
      args.add(settings.consumerGroup());
      args.add(consumer);
      for (Delivery d : e.getValue()) {
        args.add(d.entryId);
      }
      all.add(
          ctx.deliver(link.run(QueueScripts.RENEW, List.of(e.getKey()), args))
              .transform(
                  ar -> {
                    if (ar.failed()) {
                      LOG.debug("Lease renewal of {} failed: {}", consumer, ar.cause().toString());
                      return Future.succeededFuture();
                    }
                    List<String> lost = new ArrayList<>();
                    for (Response r : ar.result()) {
                      lost.add(r.toString());
                    }
                    for (Delivery d : e.getValue()) {
                      if (lost.contains(d.entryId)) {
                        LOG.warn(
                            "Consumer {} of {}: lost the lease of {} (it ran longer than the visibility timeout of {} ms"
                                + " while renewals failed); another consumer may run it too",
                            consumer,
                            keys.queue(),
                            d,
                            visibilityMillis);
                      } else {
                        d.leaseAtNanos = now;
                      }
                    }
                    return Future.succeededFuture();
                  }));
    }
    return Future.join(all).mapEmpty();
  }

  /** Whether a reclaim is under way (its entries are not in the consumer's hands yet). */
  boolean reclaiming() {
    return reclaim != null;
  }

  /**
   * Takes over up to {@code room} entries idle longer than the visibility timeout, highest priority
   * stream first, while {@code consuming} holds. Never fails: a stream that cannot be read now is
   * tried on the next tick.
   */
  Future<List<Delivery>> reclaim(int room, BooleanSupplier consuming) {
    if (reclaim != null) {
      throw new IllegalStateException("a reclaim of " + consumer + " is already under way");
    }
    Promise<List<Delivery>> done = Promise.promise();
    reclaim = done.future();
    reclaimFrom(keys.streams(), 0, room, consuming, new ArrayList<>(), done);
    return done.future();
  }

  private void reclaimFrom(
      List<String> streams,
      int index,
      int room,
      BooleanSupplier consuming,
      List<Delivery> taken,
      Promise<List<Delivery>> done) {
    if (index >= streams.size() || room <= 0 || !consuming.getAsBoolean()) {
      reclaim = null;
      done.complete(taken);
      return;
    }
    String stream = streams.get(index);
    long prune = Math.max(3_600_000L, 10 * visibilityMillis);
    List<String> args =
        List.of(
            settings.consumerGroup(),
            consumer,
            Long.toString(visibilityMillis),
            Integer.toString(room),
            Long.toString(prune));
    ctx.deliver(link.run(QueueScripts.RECLAIM, List.of(stream), args))
        .onComplete(
            ar -> {
              int n = 0;
              if (ar.failed()) {
                String m = ar.cause().getMessage();
                if (m == null || !m.contains("NOGROUP")) {
                  LOG.debug("Reclaim on {} failed: {}", stream, ar.cause().toString());
                }
              } else {
                try {
                  for (Response t : ar.result()) {
                    taken.add(
                        Delivery.decode(
                            keys,
                            stream,
                            t.get(0).toString(),
                            StreamEntries.fields(t.get(1)),
                            t.get(2).toInteger()));
                    n++;
                  }
                } catch (RuntimeException e) {
                  // Never leave the reclaim unfinished: the consumer's stop waits for it.
                  LOG.warn(
                      "Reclaim on {} returned an unexpected reply ({}); skipped",
                      stream,
                      e.toString());
                }
                if (n > 0) {
                  LOG.info(
                      "Consumer {} of {}: reclaimed {} job(s) idle for more than {} ms from {} (a consumer crashed or"
                          + " stalled)",
                      consumer,
                      keys.queue(),
                      n,
                      visibilityMillis,
                      stream);
                }
              }
              reclaimFrom(streams, index + 1, room - n, consuming, taken, done);
            });
  }

  /** Removes the heartbeat and, where it holds nothing, the group membership. Never fails. */
  Future<Void> leave() {
    List<String> k = new ArrayList<>();
    k.add(keys.consumers());
    k.addAll(keys.streams());
    return ctx.deliver(link.run(QueueScripts.LEAVE, k, List.of(settings.consumerGroup(), consumer)))
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.debug(
                    "Consumer {} could not leave cleanly: {}", consumer, ar.cause().toString());
              }
              return Future.succeededFuture();
            });
  }
}
