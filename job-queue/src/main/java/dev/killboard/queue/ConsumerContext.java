package dev.killboard.queue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The event-loop context a consumer and its parts live on: outcomes delivered there, timers set
 * from there.
 */
final class ConsumerContext {

  private final Vertx vertx;
  private final Context context;

  ConsumerContext(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
  }

  Vertx vertx() {
    return vertx;
  }

  Context context() {
    return context;
  }

  /** Runs an action on the context. */
  void run(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  /** Delivers a future's outcome on the context, whatever context completed it. */
  <T> Future<T> deliver(Future<T> f) {
    Promise<T> p = Promise.promise();
    f.onComplete(
        ar -> {
          if (Vertx.currentContext() == context) {
            p.handle(ar);
          } else {
            context.runOnContext(v -> p.handle(ar));
          }
        });
    return p.future();
  }

  /**
   * Runs an action after {@code millis} (at least 1) on the context, whoever calls; returns the
   * timer id.
   */
  long later(long millis, Runnable action) {
    return ((ContextInternal) context).setTimer(Math.max(1, millis), id -> action.run());
  }

  /** Cancels a timer (ids below 0 mean none). */
  void cancel(long timerId) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }
}
