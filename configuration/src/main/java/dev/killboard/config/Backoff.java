package dev.killboard.config;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff, the one every retry loop of Killboard uses: attempt n (1-based) waits
 * min(base·2ⁿ⁻¹, max); with {@link #withJitter()} it waits between half and all of that ("equal
 * jitter"), which keeps many failing consumers apart. Without jitter the delays are plain data, so
 * policies that return them stay testable.
 */
public final class Backoff {

  private final long baseMillis;
  private final long maxMillis;
  private final boolean jitter;

  private Backoff(long baseMillis, long maxMillis, boolean jitter) {
    this.baseMillis = baseMillis;
    this.maxMillis = maxMillis;
    this.jitter = jitter;
  }

  /**
   * Doubling from {@code base} up to {@code max}, without jitter; both at least 1 ms (max at least
   * base).
   */
  public static Backoff exponential(Duration base, Duration max) {
    long b = Math.max(1, base.toMillis());
    return new Backoff(b, Math.max(b, max.toMillis()), false);
  }

  /** The same ceilings, each delay drawn from [ceiling/2, ceiling]. */
  public Backoff withJitter() {
    return new Backoff(baseMillis, maxMillis, true);
  }

  /** The un-jittered delay of attempt {@code n} (1-based; 0 or less counts as 1). */
  public long ceilingMillis(int attempt) {
    long d = baseMillis;
    for (int i = 1; i < attempt && d < maxMillis; i++) {
      d = d * 2;
    }
    return Math.min(d, maxMillis);
  }

  /** The delay before attempt {@code n}: the ceiling, or a jittered share of it. */
  public long delayMillis(int attempt) {
    long ceiling = ceilingMillis(attempt);
    if (!jitter) {
      return ceiling;
    }
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }

  /** {@link #delayMillis(int)} as a duration. */
  public Duration delay(int attempt) {
    return Duration.ofMillis(delayMillis(attempt));
  }

  /** The longest delay it gives. */
  public Duration max() {
    return Duration.ofMillis(maxMillis);
  }

  @Override
  public String toString() {
    return "Backoff{"
        + baseMillis
        + " ms doubling to "
        + maxMillis
        + " ms"
        + (jitter ? ", equal jitter" : "")
        + "}";
  }
}
