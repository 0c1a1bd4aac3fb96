package dev.killboard.api.graphql;

import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The whole-request time limit of a GraphQL HTTP request, enforced inside the execution so that the execution's own
 * answer is the only answer: when the time is up every field still waiting fails with TIMEOUT, the result goes out
 * at once with status 503, and statements that finish later are ignored. (A timer that answered on its own left the
 * late result trying to answer a second time.)
 */
public final class RequestDeadline {
  /**
   * The bounded fields still waiting. (One shared "expired" future joined with applyToEither kept a completed
   * dependant per field on its stack: CompletableFuture's clean-up of it cost a tenth of a page's CPU.)
   */
  private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
  private final long millis;
  private volatile boolean passed;

  private RequestDeadline(long millis) {
    this.millis = millis;
  }

  /**
   * Starts the limit for {@code rc}: a timer on the request's event loop, cancelled when the response ends, and
   * status 503 on the answer when the time ran out.
   */
  public static RequestDeadline start(RoutingContext rc, long millis) {
    RequestDeadline deadline = new RequestDeadline(millis);
    long timer = rc.vertx().setTimer(millis, id -> deadline.expire());
    rc.addEndHandler(v -> rc.vertx().cancelTimer(timer));
    rc.addHeadersEndHandler(v -> {
      if (deadline.passed) {
        rc.response().setStatusCode(503);
      }
    });
    return deadline;
  }

  /** Whether the time is up. */
  public boolean passed() {
    return passed;
  }

  void expire() {
    passed = true;
    for (CompletableFuture<?> field : waiting) {
      field.completeExceptionally(timeout());
    }
  }

  ApiException timeout() {
    return new ApiException(ErrorCode.TIMEOUT, "The request took longer than " + millis + " ms");
  }

  /** {@code value} if it is done, else a future that fails with TIMEOUT when the time runs out first. */
  <T> CompletableFuture<T> bound(CompletableFuture<T> value) {
    if (value.isDone()) {
      return value;
    }
    CompletableFuture<T> field = new CompletableFuture<>();
    waiting.add(field);
    value.whenComplete((result, failure) -> {
      waiting.remove(field);
      if (failure != null) {
        field.completeExceptionally(failure);
      } else {
        field.complete(result);
      }
    });
    if (passed) {
      // expire() may have run between the check above and the add.
      field.completeExceptionally(timeout());
    }
    return field;
  }
}
