package dev.killboard.cli;

import dev.killboard.embedded.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the application role's connections in {@code pg_stat_activity} every 50 ms, as a superuser (a reserved slot,
 * so it is never refused), for as long as it runs; reconnects across PostgreSQL restarts.
 */
final class ConnectionSampler implements AutoCloseable {
  private final EmbeddedDatabase db;
  private final AtomicInteger max = new AtomicInteger();
  private final AtomicInteger maxApi = new AtomicInteger();
  private final AtomicInteger maxWorker = new AtomicInteger();
  private final java.util.Set<String> clientAddresses = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.List<long[]> timeline = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  private final AtomicLong samples = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  private ConnectionSampler(EmbeddedDatabase db) {
    this.db = db;
    this.thread = new Thread(this::loop, "connection-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  static ConnectionSampler start(EmbeddedDatabase db) {
    return new ConnectionSampler(db);
  }

  private void loop() {
    while (running) {
      try (Connection c = db.superuserConnection(); Statement s = c.createStatement()) {
        while (running) {
          // Per class by the pools' application_name (killboard-<class>@<member>/<owner>), and where they come from.
          try (ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE application_name LIKE"
              + " 'killboard-api@%'), count(*) FILTER (WHERE application_name LIKE 'killboard-worker@%'),"
              + " string_agg(DISTINCT host(client_addr), ',') FROM pg_stat_activity WHERE usename = '" + db.appUser() + "'")) {
            rs.next();
            int all = rs.getInt(1);
            max.accumulateAndGet(all, Math::max);
            maxApi.accumulateAndGet(rs.getInt(2), Math::max);
            maxWorker.accumulateAndGet(rs.getInt(3), Math::max);
            String from = rs.getString(4);
            if (from != null) {
              clientAddresses.addAll(java.util.List.of(from.split(",")));
            }
            timeline.add(new long[] {System.currentTimeMillis(), all});
            samples.incrementAndGet();
          }
          Thread.sleep(50);
        }
      } catch (SQLException e) {
        // PostgreSQL is restarting: sample again once it is back.
        pause(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The most connections seen in one sample. */
  int max() {
    return max.get();
  }

  /** The most connections of the api class (by application_name) seen in one sample. */
  int maxApi() {
    return maxApi.get();
  }

  /** The most connections of the worker class (by application_name) seen in one sample. */
  int maxWorker() {
    return maxWorker.get();
  }

  /** Every client address the application role's connections came from. */
  java.util.Set<String> clientAddresses() {
    return java.util.Set.copyOf(clientAddresses);
  }

  /** The most connections sampled since {@code sinceMillis} (epoch ms). */
  int maxSince(long sinceMillis) {
    synchronized (timeline) {
      return (int) timeline.stream().filter(t -> t[0] >= sinceMillis).mapToLong(t -> t[1]).max().orElse(0);
    }
  }

  /** How long (ms) samples since {@code sinceMillis} showed more than {@code limit} connections: the sampling interval per such sample. */
  long millisAbove(int limit, long sinceMillis) {
    synchronized (timeline) {
      long total = 0;
      long[] previous = null;
      for (long[] t : timeline) {
        if (t[0] >= sinceMillis && previous != null && previous[1] > limit) {
          total += t[0] - previous[0];
        }
        previous = t[0] >= sinceMillis ? t : null;
      }
      return total;
    }
  }

  long samples() {
    return samples.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
  }
}
