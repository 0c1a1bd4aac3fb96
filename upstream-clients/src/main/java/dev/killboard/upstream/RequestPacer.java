package dev.killboard.upstream;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Spaces requests to a polite rate: each {@link #next()} completes at least {@code 1/rate} seconds
 * after the previous one, on a timer (never by blocking). Shared by all callers of one client.
 */
public final class RequestPacer {
  private final Vertx vertx;
  private final long intervalNanos;
  private long nextSlot;

  /** A pacer for {@code perSecond} requests per second. */
  public RequestPacer(Vertx vertx, double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be > 0");
    }
    this.vertx = vertx;
    this.intervalNanos = (long) (1_000_000_000L / perSecond);
    this.nextSlot = System.nanoTime();
  }

  /** Completes when the next request may be sent. */
  public Future<Void> next() {
    long delayNanos;
    synchronized (this) {
      long now = System.nanoTime();
      long slot = Math.max(now, nextSlot);
      nextSlot = slot + intervalNanos;
      delayNanos = slot - now;
    }
    if (delayNanos <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    // Round up: firing early would break the spacing.
    vertx.setTimer(Math.max(1, (delayNanos + 999_999) / 1_000_000), id -> promise.complete());
    return promise.future();
  }
}
