package dev.killboard.bench.dataset;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a generator run wrote: rows per table (as COPY reported them) and how long loading and the
 * final VACUUM ANALYZE took.
 */
public record DatasetSummary(
    DatasetSpec spec, Map<String, Long> rows, Duration load, Duration vacuum) {
  public DatasetSummary {
    rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
  }

  /** Rows written into {@code table}, 0 when none. */
  public long rows(String table) {
    return rows.getOrDefault(table, 0L);
  }

  /** Killmails per second over the whole load (entities included, vacuum excluded). */
  public double killmailsPerSecond() {
    double s = load.toNanos() / 1e9;
    return s == 0 ? 0 : spec.killmails() / s;
  }
}
