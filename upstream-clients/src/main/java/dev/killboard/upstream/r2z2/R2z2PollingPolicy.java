package dev.killboard.upstream.r2z2;

import dev.killboard.config.Backoff;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How the R2Z2 reader moves: start after the last stored sequence (or at the current one on a first
 * start); after a published entry go straight to N+1; on 404 wait (at least 6 s against the real
 * feed) and retry the same N, unless sequence.json already reports a later sequence (N expired or
 * was skipped upstream: move on); after a transient failure retry N with backoff (or the
 * Retry-After); after a malformed entry retry N a few times, then skip it.
 */
public final class R2z2PollingPolicy {
  /** Consecutive non-transient failures of one sequence after which it is skipped. */
  public static final int MAX_ATTEMPTS_PER_SEQUENCE = 3;

  /**
   * The first wait after a failure; each further failure in a row doubles it, up to the policy's
   * maximum.
   */
  public static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

  private final Duration notFoundWait;
  private final Backoff backoff;

  /** The next sequence to read and how long to wait before reading it. */
  public record Step(long sequence, Duration delay) {}

  /** A policy with these waits. */
  public R2z2PollingPolicy(Duration notFoundWait, Duration maxBackoff) {
    if (notFoundWait.isNegative()
        || notFoundWait.isZero()
        || maxBackoff.isNegative()
        || maxBackoff.isZero()) {
      throw new IllegalArgumentException("waits must be positive");
    }
    this.notFoundWait = notFoundWait;
    this.backoff = Backoff.exponential(FIRST_BACKOFF, maxBackoff);
  }

  /**
   * The policy of the settings ({@link UpstreamSettings#r2z2NotFoundWait()}, backoff up to a
   * minute).
   */
  public static R2z2PollingPolicy from(UpstreamSettings settings) {
    return new R2z2PollingPolicy(settings.r2z2NotFoundWait(), Duration.ofMinutes(1));
  }

  /**
   * Where to start: right after the last stored sequence, or at the feed's current one on a first
   * start.
   */
  public long startSequence(OptionalLong lastStored, long currentSequence) {
    return lastStored.isPresent() ? lastStored.getAsLong() + 1 : currentSequence;
  }

  /** After a published entry: the next one, at once. */
  public Step afterPublished(long sequence) {
    return new Step(sequence + 1, Duration.ZERO);
  }

  /**
   * After a 404 for {@code sequence}: wait and retry it, or move on when {@code currentSequence}
   * (if known) shows it was published before and is gone.
   */
  public Step afterNotFound(long sequence, Optional<Long> currentSequence) {
    if (currentSequence.isPresent() && sequence < currentSequence.get()) {
      return new Step(sequence + 1, Duration.ZERO);
    }
    return new Step(sequence, notFoundWait);
  }

  /** After a failure on {@code sequence}, the {@code attempt}-th in a row (from 1). */
  public Step afterFailure(long sequence, Throwable error, int attempt) {
    if (error instanceof UpstreamRetryable retryable) {
      Duration wait = retryable.retryAfter().isZero() ? backoff(attempt) : retryable.retryAfter();
      return new Step(sequence, wait);
    }
    if (attempt >= MAX_ATTEMPTS_PER_SEQUENCE) {
      return new Step(sequence + 1, Duration.ZERO);
    }
    return new Step(sequence, backoff(attempt));
  }

  /**
   * After our handler failed to store {@code sequence} (database down...): retry it with backoff,
   * never skip.
   */
  public Step afterHandlerFailure(long sequence, int attempt) {
    return new Step(sequence, backoff(attempt));
  }

  /** The wait after a 404. */
  public Duration notFoundWait() {
    return notFoundWait;
  }

  private Duration backoff(int attempt) {
    return backoff.delay(attempt);
  }
}
