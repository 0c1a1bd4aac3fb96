package dev.killboard.upstream.r2z2;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the R2Z2 feed in order and hands each entry to a handler, one at a time: the next sequence
 * is read only after the handler's future succeeded (store the killmail and its sequence in one
 * transaction, and a restart resumes at the right place). A failed handler retries the same
 * sequence after a backoff. Waits are timers.
 */
public final class R2z2Poller {
  private static final Logger LOG = LoggerFactory.getLogger(R2z2Poller.class);

  private final Vertx vertx;
  private final R2z2Client client;
  private final R2z2PollingPolicy policy;
  private final Promise<Void> stopped = Promise.promise();
  private Function<R2z2Killmail, Future<Void>> handler;
  private Context context;
  private volatile boolean running;
  private volatile long nextSequence;
  private long timerId = -1;
  private int failures;

  /** A poller over a client with a policy. */
  public R2z2Poller(Vertx vertx, R2z2Client client, R2z2PollingPolicy policy) {
    this.vertx = vertx;
    this.client = client;
    this.policy = policy;
  }

  /**
   * Starts reading at {@code fromSequence} (see {@link R2z2PollingPolicy#startSequence}); the
   * future completes when {@link #stop()} is called.
   */
  public Future<Void> start(long fromSequence, Function<R2z2Killmail, Future<Void>> onKillmail) {
    if (running) {
      throw new IllegalStateException("already started");
    }
    this.handler = onKillmail;
    this.nextSequence = fromSequence;
    this.running = true;
    // Everything runs on one context: the fields below need no locking.
    this.context = vertx.getOrCreateContext();
    context.runOnContext(v -> step(new R2z2PollingPolicy.Step(fromSequence, Duration.ZERO)));
    return stopped.future();
  }

  /** Stops after the current request; no handler is called afterwards. */
  public void stop() {
    running = false;
    if (context == null) {
      stopped.tryComplete();
      return;
    }
    context.runOnContext(
        v -> {
          if (timerId >= 0) {
            vertx.cancelTimer(timerId);
          }
          stopped.tryComplete();
        });
  }

  private void step(R2z2PollingPolicy.Step step) {
    if (!running) {
      stopped.tryComplete();
      return;
    }
    nextSequence = step.sequence();
    if (step.delay().isZero()) {
      poll(step.sequence());
    } else {
      timerId =
          vertx.setTimer(
              Math.max(1, step.delay().toMillis()),
              id -> {
                timerId = -1;
                poll(step.sequence());
              });
    }
  }

  private void poll(long sequence) {
    if (!running) {
      stopped.tryComplete();
      return;
    }
    client
        .fetch(sequence)
        .compose(entry -> entry.isPresent() ? deliver(entry.get()) : notPublished(sequence))
        .onSuccess(
            next -> {
              failures = 0;
              step(next);
            })
        .onFailure(
            e -> {
              failures++;
              R2z2PollingPolicy.Step next =
                  e instanceof HandlerFailure
                      ? policy.afterHandlerFailure(sequence, failures)
                      : policy.afterFailure(sequence, e, failures);
              if (next.sequence() != sequence) {
                LOG.warn(
                    "R2Z2 sequence {} skipped after {} failures: {}",
                    sequence,
                    failures,
                    e.getMessage());
                failures = 0;
              }
              step(next);
            });
  }

  private Future<R2z2PollingPolicy.Step> deliver(R2z2Killmail entry) {
    if (!running) {
      return Future.succeededFuture(new R2z2PollingPolicy.Step(entry.sequence(), Duration.ZERO));
    }
    return handler
        .apply(entry)
        .map(v -> policy.afterPublished(entry.sequence()))
        .recover(e -> Future.failedFuture(new HandlerFailure(e)));
  }

  /** The handler (our own storage) failed: never a reason to skip the entry. */
  private static final class HandlerFailure extends RuntimeException {
    HandlerFailure(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private Future<R2z2PollingPolicy.Step> notPublished(long sequence) {
    // sequence.json tells a gap (expired or skipped upstream) from "not yet published".
    return client
        .currentSequence()
        .map(current -> policy.afterNotFound(sequence, Optional.of(current)))
        .recover(e -> Future.succeededFuture(policy.afterNotFound(sequence, Optional.empty())));
  }
}
