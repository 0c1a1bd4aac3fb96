package dev.killboard.bench.api;

/**
 * One measured run: completed requests and errors inside the measured window, its length, and
 * latency percentiles of the successful and failed requests together.
 *
 * @param firstError the first error seen (status, GraphQL error or exception), or null
 * @param apiCpuMillis CPU milliseconds per request of the API's JVM (load generator excluded), NaN
 *     when not measured
 * @param postgresCpuMillis CPU milliseconds per request of PostgreSQL's processes, NaN when not
 *     measured
 */
public record LoadResult(
    String scenario,
    int clients,
    long completed,
    long errors,
    double seconds,
    double p50Millis,
    double p99Millis,
    double maxMillis,
    String firstError,
    double apiCpuMillis,
    double postgresCpuMillis) {

  /** A result without CPU figures (the ceilings). */
  public LoadResult(
      String scenario,
      int clients,
      long completed,
      long errors,
      double seconds,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      String firstError) {
    this(
        scenario,
        clients,
        completed,
        errors,
        seconds,
        p50Millis,
        p99Millis,
        maxMillis,
        firstError,
        Double.NaN,
        Double.NaN);
  }

  /**
   * Completed requests per second (errors included: they are answers too, and are reported apart).
   */
  public double requestsPerSecond() {
    return seconds == 0 ? 0 : completed / seconds;
  }
}
