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
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + db.appUser() + "'")) {
            rs.next();
            max.accumulateAndGet(rs.getInt(1), Math::max);
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
