package dev.killboard.api.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Leaky buckets by client key: each charge pours its amount in, the bucket drains at a steady rate,
 * and a charge that would overflow it is refused (and not poured) with the seconds until it would
 * fit. Drained buckets are dropped, so the map holds only clients active in the last {@code
 * capacity / rate} seconds. Thread-safe; one per process.
 */
public final class LeakyBuckets {
  /** Buckets are swept for drained ones every this many charges. */
  private static final int SWEEP_EVERY = 4096;

  private final double capacity;
  private final double perNano;
  private final LongSupplier nanos;
  private final Map<String, Level> buckets = new ConcurrentHashMap<>();
  private final AtomicLong charges = new AtomicLong();

  /**
   * The outcome of a charge: allowed, or refused with the whole seconds until the same charge would
   * fit.
   */
  public record Charge(boolean allowed, long retryAfterSeconds) {}

  private static final class Level {
    double amount;
    long at;

    Level(long at) {
      this.at = at;
    }
  }

  public LeakyBuckets(long capacity, double perSecond) {
    this(capacity, perSecond, System::nanoTime);
  }

  LeakyBuckets(long capacity, double perSecond, LongSupplier nanos) {
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.nanos = nanos;
  }

  /** Pours {@code amount} into {@code key}'s bucket if it fits. */
  public Charge charge(String key, long amount) {
    long now = nanos.getAsLong();
    Charge[] out = new Charge[1];
    buckets.compute(
        key,
        (k, level) -> {
          Level l = level == null ? new Level(now) : level;
          drain(l, now);
          double after = l.amount + amount;
          if (after <= capacity) {
            l.amount = after;
            out[0] = new Charge(true, 0);
          } else {
            out[0] =
                new Charge(
                    false, Math.max(1, (long) Math.ceil((after - capacity) / perNano / 1e9)));
          }
          return l.amount <= 0 ? null : l;
        });
    if (charges.incrementAndGet() % SWEEP_EVERY == 0) {
      sweep(now);
    }
    return out[0];
  }

  private void drain(Level l, long now) {
    l.amount = Math.max(0, l.amount - (now - l.at) * perNano);
    l.at = now;
  }

  private void sweep(long now) {
    for (String key : buckets.keySet()) {
      buckets.computeIfPresent(
          key,
          (k, l) -> {
            drain(l, now);
            return l.amount <= 0 ? null : l;
          });
    }
  }

  /** Clients with a bucket that has not drained (tests, metrics). */
  public int size() {
    return buckets.size();
  }
}
