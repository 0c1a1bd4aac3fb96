package dev.killboard.budget.impl;

import java.util.concurrent.TimeUnit;

/**
 * Notices when this process stood still (SIGSTOP, a long GC pause, a frozen VM): a daemon thread
 * ticks every 100 ms and a gap between ticks longer than {@link #THRESHOLD_NANOS} is a pause.
 *
 * <p>Why: a permit granted just before a pause may belong to a CP session that expired during it;
 * the CP group then gave that permit to someone else. A connect that resumes after the pause would
 * open one connection more than the budget allows (PostgreSQL refuses it with 53300 when the server
 * is full). A connect asks {@link #since(long)} before it opens its socket and gives the permit
 * back instead.
 */
final class ProcessPauses {
  /**
   * A gap longer than this is a pause (a CP session's TTL is several seconds; heartbeats are sent
   * every second or so).
   */
  static final long THRESHOLD_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final long TICK_MS = 100;
  private static volatile long lastTick = System.nanoTime();
  // nanoTime values compare only by difference; "an hour before start" stands for "never" without
  // overflowing.
  private static volatile long lastPauseEnded = System.nanoTime() - TimeUnit.HOURS.toNanos(1);

  static {
    Thread ticker = new Thread(ProcessPauses::tick, "killboard-pause-detector");
    ticker.setDaemon(true);
    ticker.start();
  }

  private ProcessPauses() {}

  private static void tick() {
    while (true) {
      try {
        Thread.sleep(TICK_MS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastTick > THRESHOLD_NANOS) {
        lastPauseEnded = now;
      }
      lastTick = now;
    }
  }

  /**
   * Whether the process stood still at some point after {@code startedNanos} ({@link
   * System#nanoTime()}): a pause the ticker saw end since then, or one that is ending right now
   * (the ticker has not run for longer than the threshold).
   */
  static boolean since(long startedNanos) {
    long now = System.nanoTime();
    return lastPauseEnded - startedNanos > 0 || now - lastTick > THRESHOLD_NANOS;
  }
}
