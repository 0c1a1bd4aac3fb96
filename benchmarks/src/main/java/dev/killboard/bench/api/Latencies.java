package dev.killboard.bench.api;

import java.util.Arrays;

/**
 * Request latencies of one measured run (nanoseconds), for percentiles. Not thread-safe: one
 * event-loop thread adds.
 */
final class Latencies {
  private long[] values = new long[1 << 16];
  private int size;

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  int size() {
    return size;
  }

  /** The {@code p}-th percentile (0–100) in milliseconds, nearest-rank; NaN when empty. */
  static double percentileMillis(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  long[] sorted() {
    long[] copy = Arrays.copyOf(values, size);
    Arrays.sort(copy);
    return copy;
  }
}
