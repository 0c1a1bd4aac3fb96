package dev.killboard.queue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with "equal jitter": attempt n waits between half and all of min(base·2ⁿ⁻¹, max). */
final class Backoff {

  private final long baseMillis;
  private final long maxMillis;

  Backoff(Duration base, Duration max) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.maxMillis = Math.max(baseMillis, max.toMillis());
  }

  /** The un-jittered ceiling for attempt {@code n} (1-based). */
  long ceilingMillis(int attempt) {
    long d = baseMillis;
    for (int i = 1; i < attempt && d < maxMillis; i++) {
      d = d * 2;
    }
    return Math.min(d, maxMillis);
  }

  /** A delay for attempt {@code n}, in [ceiling/2, ceiling]; the jitter keeps many failing consumers apart. */
  long delayMillis(int attempt) {
    long ceiling = ceilingMillis(attempt);
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }
}
