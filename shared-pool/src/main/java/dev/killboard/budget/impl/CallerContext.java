package dev.killboard.budget.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;

/**
 * Hands the budget's results back on the caller's context. The budget works on contexts of its own
 * (its home, the semaphore threads) and caches futures across callers; without this a verticle that
 * composes on a budget future would continue on another verticle's event loop, or the budget's, and
 * everything it then creates (an HTTP server, a Redis consumer) would stay bound there: all API
 * instances serving on one thread.
 */
public final class CallerContext {
  private CallerContext() {}

  /**
   * {@code result}, completing on the context that called this (unchanged when called off any
   * context).
   */
  public static <T> Future<T> deliver(Future<T> result) {
    ContextInternal caller = (ContextInternal) Vertx.currentContext();
    if (caller == null) {
      return result;
    }
    PromiseInternal<T> promise = caller.promise();
    result.onComplete(promise);
    return promise.future();
  }
}
