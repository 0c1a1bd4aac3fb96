package dev.killboard.bench.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * pgbench's equivalent when pgbench is not installed: N JDBC connections, each running the script's
 * statements (server-side prepared, results read to the end) in a loop for a warm-up and then the
 * measured time.
 */
final class JdbcCeiling implements SqlCeiling {
  private final String jdbcUrl;
  private final String user;
  private final String password;

  JdbcCeiling(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  @Override
  public String describe() {
    return "JDBC loop (pgbench not installed; prepareThreshold=1)";
  }

  @Override
  public LoadResult run(
      String scenario, CeilingScript script, int connections, long warmupMillis, long measureMillis)
      throws Exception {
    long start = System.nanoTime();
    long measureStart = start + warmupMillis * 1_000_000L;
    long measureEnd = measureStart + measureMillis * 1_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<long[]>> workers = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        int worker = i;
        workers.add(pool.submit(() -> loop(script, worker, measureStart, measureEnd)));
      }
      Latencies all = new Latencies();
      long errors = 0;
      for (Future<long[]> f : workers) {
        long[] result = f.get();
        errors += result[0];
        for (int i = 1; i < result.length; i++) {
          all.add(result[i]);
        }
      }
      long[] sorted = all.sorted();
      return new LoadResult(
          scenario,
          connections,
          sorted.length,
          errors,
          measureMillis / 1000.0,
          Latencies.percentileMillis(sorted, 50),
          Latencies.percentileMillis(sorted, 99),
          Latencies.percentileMillis(sorted, 100),
          errors > 0 ? "statement errors" : null);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Returns [errors, latency…] of the measured window. */
  private long[] loop(CeilingScript script, int worker, long measureStart, long measureEnd)
      throws Exception {
    Latencies latencies = new Latencies();
    long errors = 0;
    SplittableRandom random = new SplittableRandom(7_000 + worker);
    String url = jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "prepareThreshold=1";
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      List<Map.Entry<PreparedStatement, List<String>>> statements = new ArrayList<>();
      for (String s : script.statements()) {
        Map.Entry<String, List<String>> j = CeilingScript.jdbc(s);
        statements.add(Map.entry(c.prepareStatement(j.getKey()), j.getValue()));
      }
      while (true) {
        long t0 = System.nanoTime();
        if (t0 >= measureEnd) {
          break;
        }
        Map<String, Long> values = script.draw(random);
        boolean ok = true;
        for (var s : statements) {
          try {
            PreparedStatement ps = s.getKey();
            int i = 1;
            for (String name : s.getValue()) {
              ps.setLong(i++, values.get(name));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rs.getObject(1);
              }
            }
          } catch (java.sql.SQLException e) {
            ok = false;
          }
        }
        long t1 = System.nanoTime();
        if (t0 >= measureStart) {
          latencies.add(t1 - t0);
          if (!ok) {
            errors++;
          }
        }
      }
    }
    long[] sorted = latencies.sorted();
    long[] out = new long[sorted.length + 1];
    out[0] = errors;
    System.arraycopy(sorted, 0, out, 1, sorted.length);
    return out;
  }
}
