package dev.killboard.cli;

import dev.killboard.embedded.EmbeddedDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the application role's connections in {@code pg_stat_activity} every 50 ms — in all, per
 * budget class (by the pools' application_name {@code killboard-<class>@<member>/<owner>}) and by
 * client address — on a superuser session (a reserved slot, so it is never refused), for as long as
 * it runs; samples again once PostgreSQL is back after a restart or an outage.
 */
final class ConnectionSampler implements AutoCloseable {
  private final SuperuserSession session;
  private final boolean ownsSession;
  private final AtomicInteger max = new AtomicInteger();
  private final AtomicInteger windowMax = new AtomicInteger();
  private final AtomicInteger maxApi = new AtomicInteger();
  private final AtomicInteger maxWorker = new AtomicInteger();
  private final Set<String> clientAddresses = ConcurrentHashMap.newKeySet();
  private final List<long[]> timeline = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong samples = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  private ConnectionSampler(SuperuserSession session, boolean ownsSession) {
    this.session = session;
    this.ownsSession = ownsSession;
    this.thread = new Thread(this::loop, "connection-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Samples on the test's shared monitoring session (the chaos suite: one superuser connection for
   * all watchers).
   */
  static ConnectionSampler start(SuperuserSession session) {
    return new ConnectionSampler(session, false);
  }

  /** Samples on a superuser session of its own, closed with the sampler. */
  static ConnectionSampler start(EmbeddedDatabase db) {
    return new ConnectionSampler(new SuperuserSession(db), true);
  }

  private void loop() {
    while (running) {
      try {
        session.query(
            "SELECT count(*), count(*) FILTER (WHERE application_name LIKE 'killboard-api@%'),"
                + " count(*) FILTER (WHERE application_name LIKE 'killboard-worker@%'),"
                + " string_agg(DISTINCT host(client_addr), ',') FROM pg_stat_activity"
                + " WHERE usename = ? AND backend_type = 'client backend'",
            ps -> ps.setString(1, session.appUser()),
            rs -> {
              rs.next();
              int all = rs.getInt(1);
              max.accumulateAndGet(all, Math::max);
              windowMax.accumulateAndGet(all, Math::max);
              maxApi.accumulateAndGet(rs.getInt(2), Math::max);
              maxWorker.accumulateAndGet(rs.getInt(3), Math::max);
              String from = rs.getString(4);
              if (from != null) {
                clientAddresses.addAll(List.of(from.split(",")));
              }
              timeline.add(new long[] {System.currentTimeMillis(), all});
              return null;
            });
        samples.incrementAndGet();
        Thread.sleep(50);
      } catch (SQLException e) {
        // PostgreSQL is restarting or down: sample again once it is back.
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

  /**
   * The most connections seen in one sample since the previous call (per fault, for the report).
   */
  int takeWindowMax() {
    return windowMax.getAndSet(0);
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
  Set<String> clientAddresses() {
    return Set.copyOf(clientAddresses);
  }

  /** The most connections sampled since {@code sinceMillis} (epoch ms). */
  int maxSince(long sinceMillis) {
    synchronized (timeline) {
      return (int)
          timeline.stream().filter(t -> t[0] >= sinceMillis).mapToLong(t -> t[1]).max().orElse(0);
    }
  }

  /** How long (ms) samples since {@code sinceMillis} showed more than {@code limit} connections. */
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
    if (ownsSession) {
      session.close();
    }
  }
}
