package dev.killboard.api.graphql;

import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The whole-request time limit of a GraphQL HTTP request, enforced inside the execution so that the
 * execution's own answer is the only answer: when the time is up every field still waiting fails
 * with TIMEOUT, the result goes out at once with status 503, and statements that finish later are
 * ignored. (A timer that answered on its own left the late result trying to answer a second time.)
 */
public final class RequestDeadline {
  /**
   * The futures of fields that were still waiting when fetched. Expiry fails them directly: no
   * wrapper future or completion callback per field (a page has hundreds), and a future that
   * completed meanwhile ignores it. (One shared "expired" future joined with applyToEither kept a
   * completed dependant per field on its stack: CompletableFuture's clean-up of it cost a tenth of
   * a page's CPU.)
   */
  private final List<CompletableFuture<?>> waiting = new ArrayList<>();

  private final long millis;
  private volatile boolean passed;

  private RequestDeadline(long millis) {
    this.millis = millis;
  }

  /**
   * Starts the limit for {@code rc}: a timer on the request's event loop, cancelled when the
   * response ends, and status 503 on the answer when the time ran out.
   */
  public static RequestDeadline start(RoutingContext rc, long millis) {
    RequestDeadline deadline = new RequestDeadline(millis);
    long timer = rc.vertx().setTimer(millis, id -> deadline.expire());
    rc.addEndHandler(v -> rc.vertx().cancelTimer(timer));
    rc.addHeadersEndHandler(
        v -> {
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
    List<CompletableFuture<?>> fields;
    synchronized (waiting) {
      passed = true;
      fields = new ArrayList<>(waiting);
      waiting.clear();
    }
    ApiException timeout = timeout();
    for (CompletableFuture<?> field : fields) {
      field.completeExceptionally(timeout);
    }
  }

  /** The TIMEOUT error of this limit. */
  public ApiException timeoutError() {
    return timeout();
  }

  ApiException timeout() {
    return new ApiException(ErrorCode.TIMEOUT, "The request took longer than " + millis + " ms");
  }

  /** {@code value}, failed with TIMEOUT if the time runs out before it completes. */
  <T> CompletableFuture<T> bound(CompletableFuture<T> value) {
    if (value.isDone()) {
      return value;
    }
    synchronized (waiting) {
      if (!passed) {
        waiting.add(value);
        return value;
      }
    }
    value.completeExceptionally(timeout());
    return value;
  }
}
