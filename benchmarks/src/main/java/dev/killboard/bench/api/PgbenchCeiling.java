package dev.killboard.bench.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The ceiling measured by {@code pgbench} itself: the scenario's script with {@code -M prepared}, N
 * clients, a warm-up run and a measured run whose per-transaction log gives the percentiles.
 */
final class PgbenchCeiling implements SqlCeiling {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
  private static final Pattern FAILED = Pattern.compile("number of failed transactions: ([0-9]+)");
  private final String executable;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;

  PgbenchCeiling(
      String executable, String host, int port, String database, String user, String password) {
    this.executable = executable;
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
  }

  /** The pgbench on the PATH, or null. */
  static String find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, "pgbench");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  @Override
  public String describe() {
    return "pgbench (" + executable + ", -M prepared)";
  }

  @Override
  public LoadResult run(
      String scenario, CeilingScript script, int connections, long warmupMillis, long measureMillis)
      throws Exception {
    Path dir = Files.createTempDirectory("killboard-pgbench");
    try {
      Path file = dir.resolve("script.sql");
      Files.writeString(file, script.pgbenchScript(), StandardCharsets.UTF_8);
      if (warmupMillis > 0) {
        pgbench(file, connections, Math.max(1, warmupMillis / 1000), null);
      }
      long seconds = Math.max(1, measureMillis / 1000);
      String out = pgbench(file, connections, seconds, dir.resolve("log"));
      Matcher tps = TPS.matcher(out);
      if (!tps.find()) {
        throw new IllegalStateException("pgbench printed no tps line:\n" + out);
      }
      Matcher failed = FAILED.matcher(out);
      long errors = failed.find() ? Long.parseLong(failed.group(1)) : 0;
      long[] latencies = readLog(dir);
      Arrays.sort(latencies);
      double rate = Double.parseDouble(tps.group(1));
      return new LoadResult(
          scenario,
          connections,
          Math.round(rate * seconds),
          errors,
          seconds,
          Latencies.percentileMillis(latencies, 50),
          Latencies.percentileMillis(latencies, 99),
          Latencies.percentileMillis(latencies, 100),
          errors > 0 ? out : null);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private String pgbench(Path script, int connections, long seconds, Path logPrefix)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                executable,
                "-n",
                "-M",
                "prepared",
                "-c",
                Integer.toString(connections),
                "-j",
                Integer.toString(Math.min(connections, Runtime.getRuntime().availableProcessors())),
                "-T",
                Long.toString(seconds),
                "-f",
                script.toString(),
                "-h",
                host,
                "-p",
                Integer.toString(port),
                "-U",
                user));
    if (logPrefix != null) {
      cmd.addAll(List.of("-l", "--log-prefix=" + logPrefix));
    }
    cmd.add(database);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // The password goes through the environment, never the command line.
    pb.environment().put("PGPASSWORD", password);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("pgbench did not finish within " + (seconds + 60) + " s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("pgbench failed (exit " + p.exitValue() + "):\n" + out);
    }
    return out;
  }

  /**
   * Per-transaction latencies (ns) from pgbench's logs: "client_id transaction_no time_us script_no
   * epoch epoch_us".
   */
  private static long[] readLog(Path dir) throws IOException {
    List<Long> values = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("log")).toList()) {
        for (String line : Files.readAllLines(f)) {
          String[] parts = line.trim().split("\\s+");
          if (parts.length >= 3) {
            try {
              values.add(Long.parseLong(parts[2]) * 1_000L);
            } catch (NumberFormatException ignored) {
              // pgbench writes "skipped"/"failed" in place of a time for transactions without one.
            }
          }
        }
      }
    }
    return values.stream().mapToLong(Long::longValue).toArray();
  }
}
