package dev.killboard.upstream.esi;

import io.vertx.core.Future;

/**
 * Decides whether an ESI request may be sent, given ESI's error limit. Every admitted request must
 * be followed by exactly one {@link #release}. The local implementation counts for one process; a
 * cluster-wide one (Redis, Hazelcast) can implement the same contract so every node stops before
 * the shared limit reaches 0.
 */
public interface ErrorLimitGate {

  /**
   * Completes when one request may be sent; fails with an {@link
   * dev.killboard.upstream.UpstreamRetryable} (reason ERROR_LIMIT_GUARD, with the wait until the
   * window resets) when it may not.
   */
  Future<Void> acquire();

  /**
   * Reports what the admitted request saw: its status and error-limit headers (or no answer at
   * all).
   */
  Future<Void> release(ErrorLimitObservation observation);

  /** The gate's current view, for status pages and tests. */
  ErrorLimitSnapshot snapshot();
}
