package dev.killboard.bench.api;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used so far by the API's side of this JVM (the whole process less the calling thread,
 * which is the load generator's event loop) and by every PostgreSQL process of the machine. Per
 * request, these are steadier figures than requests per second on a shared machine: they do not
 * depend on what else runs.
 */
record CpuUse(long apiNanos, long postgresNanos) {
  private static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on Linux

  /** Now; call it on the load generator's thread. */
  static CpuUse now() {
    long process =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    long loadThread = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    return new CpuUse(process - loadThread, postgresCpuNanos());
  }

  /** CPU milliseconds per request between {@code start} and this, as {API JVM, PostgreSQL}. */
  double[] perRequestMillis(CpuUse start, long requests) {
    if (requests == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {
      (apiNanos - start.apiNanos) / 1e6 / requests,
      (postgresNanos - start.postgresNanos) / 1e6 / requests
    };
  }

  private static long postgresCpuNanos() {
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"));
          int close = stat.lastIndexOf(')');
          if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ");
          // After the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * TICK_NANOS;
  }
}
