package dev.killboard.cli;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the application role's connections in {@code pg_stat_activity} every 50 ms, on the test's shared superuser
 * session (a reserved slot, so it is never refused), for as long as it runs; samples again once PostgreSQL is back
 * after a restart or an outage.
 */
final class ConnectionSampler implements AutoCloseable {
  private final SuperuserSession session;
  private final AtomicInteger max = new AtomicInteger();
  private final AtomicInteger windowMax = new AtomicInteger();
  private final AtomicLong samples = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  private ConnectionSampler(SuperuserSession session) {
    this.session = session;
    this.thread = new Thread(this::loop, "connection-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  static ConnectionSampler start(SuperuserSession session) {
    return new ConnectionSampler(session);
  }

  private void loop() {
    while (running) {
      try {
        int now = session.appConnections();
        max.accumulateAndGet(now, Math::max);
        windowMax.accumulateAndGet(now, Math::max);
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

  /** The most connections seen in one sample since the previous call (per fault, for the report). */
  int takeWindowMax() {
    return windowMax.getAndSet(0);
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
