package dev.killboard.bench.api;

/** PostgreSQL's own throughput for a scenario's main SQL, with no API in between. */
interface SqlCeiling {
  /**
   * Runs {@code script} from {@code connections} connections for a warm-up and then {@code
   * measureMillis}.
   */
  LoadResult run(
      String scenario, CeilingScript script, int connections, long warmupMillis, long measureMillis)
      throws Exception;

  /** How the ceiling is measured, for the report. */
  String describe();
}
