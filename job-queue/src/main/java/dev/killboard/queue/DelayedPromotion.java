package dev.killboard.queue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves retries whose time has come from the queue's delayed set back into their priority streams.
 * One timer: due for the earliest retry this consumer parked, for the next due time Redis reports,
 * or in a second at the latest (other consumers park retries too), and at once while a full batch
 * moved.
 */
final class DelayedPromotion {

  private static final Logger LOG = LoggerFactory.getLogger(DelayedPromotion.class);
  static final int BATCH = 100;
  static final long POLL_MILLIS = 1000;

  private final ConsumerContext ctx;
  private final QueueCommands link;
  private final QueueKeys keys;
  private boolean active;
  private long timer = -1;
  private long dueNanos = Long.MAX_VALUE;

  DelayedPromotion(ConsumerContext ctx, QueueCommands link, QueueKeys keys) {
    this.ctx = ctx;
    this.link = link;
    this.keys = keys;
  }

  /** Promotes at once, then keeps going until {@link #stop()}. */
  void start() {
    active = true;
    schedule(1);
  }

  /**
   * Makes sure a promotion runs within {@code delayMillis}; an earlier one already scheduled is
   * kept.
   */
  void schedule(long delayMillis) {
    if (!active) {
      return;
    }
    long delay = Math.max(1, delayMillis);
    long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
    if (timer >= 0) {
      if (dueNanos <= at) {
        return;
      }
      ctx.cancel(timer);
    }
    dueNanos = at;
    timer =
        ctx.later(
            delay,
            () -> {
              timer = -1;
              dueNanos = Long.MAX_VALUE;
              promote();
            });
  }

  /** No promotion after this (one in progress ends without scheduling another). */
  void stop() {
    active = false;
    ctx.cancel(timer);
    timer = -1;
    dueNanos = Long.MAX_VALUE;
  }

  /** Whether a promotion is scheduled. */
  boolean scheduled() {
    return timer >= 0;
  }

  /** Runs one promotion now; completes with the delay until the next one. */
  Future<Long> promote() {
    List<String> k = new ArrayList<>();
    k.add(keys.delayed());
    k.add(keys.dead());
    k.addAll(keys.streams());
    List<String> a = new ArrayList<>();
    a.add(Integer.toString(BATCH));
    for (Priority p : Priority.values()) {
      a.add(p.key());
    }
    return ctx.deliver(link.run(QueueScripts.PROMOTE, k, a))
        .transform(
            ar -> {
              long next = POLL_MILLIS;
              try {
                if (ar.failed()) {
                  throw ar.cause();
                }
                long moved = ar.result().get(0).toLong();
                long wait = ar.result().get(1).toLong();
                if (moved >= BATCH) {
                  next = 1;
                } else if (wait >= 0) {
                  next = Math.max(1, Math.min(wait, POLL_MILLIS));
                }
              } catch (Throwable t) {
                // Whatever went wrong, the next poll must still come.
                LOG.debug("Promotion of retries on {} failed: {}", keys.queue(), t.toString());
              }
              schedule(next);
              return Future.succeededFuture(next);
            });
  }
}
