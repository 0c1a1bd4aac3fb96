package dev.killboard.budget;

import dev.killboard.embedded.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads pg_stat_activity for the application role every few milliseconds, from a superuser slot,
 * and keeps the peak.
 */
final class ConnectionSampler implements AutoCloseable {
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger samples = new AtomicInteger();
  private final long startedAt = System.nanoTime();
  private volatile long stoppedAt;
  private volatile boolean running = true;
  private final Thread thread;

  ConnectionSampler(EmbeddedDatabase db, long everyMillis) throws Exception {
    Connection conn = db.superuserConnection();
    PreparedStatement stmt =
        conn.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND backend_type = 'client backend'");
    stmt.setString(1, db.appUser());
    thread =
        new Thread(
            () -> {
              try (conn;
                  stmt) {
                while (running) {
                  try (ResultSet rs = stmt.executeQuery()) {
                    rs.next();
                    peak.accumulateAndGet(rs.getInt(1), Math::max);
                    samples.incrementAndGet();
                  }
                  Thread.sleep(everyMillis);
                }
              } catch (Exception e) {
                if (running) {
                  throw new IllegalStateException(e);
                }
              }
            },
            "pg-stat-activity-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  int peak() {
    return peak.get();
  }

  int samples() {
    return samples.get();
  }

  /** Mean time between samples so far, in milliseconds. */
  double meanIntervalMillis() {
    long end = stoppedAt == 0 ? System.nanoTime() : stoppedAt;
    return (end - startedAt) / 1e6 / Math.max(1, samples.get());
  }

  @Override
  public void close() throws Exception {
    stoppedAt = System.nanoTime();
    running = false;
    thread.join(5_000);
  }
}
