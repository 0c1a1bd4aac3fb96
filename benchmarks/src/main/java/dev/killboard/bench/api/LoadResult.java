package dev.killboard.bench.api;

/**
 * One measured run: completed requests and errors inside the measured window, its length, and latency percentiles
 * of the successful and failed requests together.
 *
 * @param firstError the first error seen (status, GraphQL error or exception), or null
 */
public record LoadResult(String scenario, int clients, long completed, long errors, double seconds, double p50Millis,
    double p99Millis, double maxMillis, String firstError) {

  /** Completed requests per second (errors included: they are answers too, and are reported apart). */
  public double requestsPerSecond() {
    return seconds == 0 ? 0 : completed / seconds;
  }
}
