package dev.killboard.upstream;

import java.time.Duration;

/**
 * A transient failure: retry the same call after {@link #retryAfter()} (zero = use your own
 * backoff).
 */
public final class UpstreamRetryable extends UpstreamException {
  /** Why the call failed. */
  public enum Reason {
    /** 5xx from the service. */
    SERVER_ERROR,
    /** No answer in time. */
    TIMEOUT,
    /** Connection refused, reset or closed. */
    CONNECTION,
    /** ESI answered 420: its error limit is spent until the window resets. */
    ERROR_LIMITED,
    /**
     * Not sent: ESI's error limit is too close to 0 (or a 420 was seen) until the window resets.
     */
    ERROR_LIMIT_GUARD,
    /** 429 with Retry-After, or held back because an earlier 429's wait has not passed. */
    RATE_LIMITED,
    /** 403 from a feed that bans abusive clients for a while (R2Z2). */
    BANNED
  }

  private final Reason reason;
  private final Duration retryAfter;

  public UpstreamRetryable(
      UpstreamService service,
      String endpoint,
      Reason reason,
      Duration retryAfter,
      String detail,
      Throwable cause) {
    super(
        service,
        endpoint,
        reason
            + (retryAfter.isZero() ? "" : ", retry after " + retryAfter.toMillis() + " ms")
            + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"),
        cause);
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  /** Why the call failed. */
  public Reason reason() {
    return reason;
  }

  /** How long to wait before the retry; zero when the service gave no hint. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
