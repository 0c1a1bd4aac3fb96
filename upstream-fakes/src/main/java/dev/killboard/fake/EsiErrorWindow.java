package dev.killboard.fake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * ESI's error limit as the fake keeps it: every 4xx/5xx answer (except the 420 itself) uses one of
 * {@code limit} errors per window; at 0 every route answers 420 until the window ends. Windows are
 * fixed slices of the clock.
 */
final class EsiErrorWindow {
  private final int limit;
  private final Duration window;
  private final Clock clock;
  private int remain;
  private Instant windowEnd;
  private long errorsCounted;
  private long blockedAnswers;
  private int lowestSent;

  EsiErrorWindow(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
    this.remain = limit;
    this.windowEnd = clock.instant().plus(window);
    this.lowestSent = limit;
  }

  /** Whether the limit is spent (the request gets a 420); counts the 420. */
  synchronized boolean blocked() {
    roll();
    if (remain <= 0) {
      blockedAnswers++;
      return true;
    }
    return false;
  }

  /** Accounts for an answer with this status; returns {remain, resetSeconds} for its headers. */
  synchronized long[] answered(int status) {
    roll();
    if (status >= 400 && status != 420 && remain > 0) {
      remain--;
      errorsCounted++;
    }
    lowestSent = Math.min(lowestSent, remain);
    return new long[] {remain, resetSeconds()};
  }

  synchronized int remain() {
    roll();
    return remain;
  }

  synchronized long errorsCounted() {
    return errorsCounted;
  }

  synchronized long blockedAnswers() {
    return blockedAnswers;
  }

  synchronized int lowestSent() {
    return lowestSent;
  }

  synchronized void setRemain(int value) {
    roll();
    remain = Math.max(0, Math.min(limit, value));
  }

  /** A fresh window starting now, with full budget and fresh statistics. */
  synchronized void reset() {
    remain = limit;
    windowEnd = clock.instant().plus(window);
    errorsCounted = 0;
    blockedAnswers = 0;
    lowestSent = limit;
  }

  synchronized long resetSeconds() {
    long millis = Duration.between(clock.instant(), windowEnd).toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }

  private void roll() {
    Instant now = clock.instant();
    if (!now.isBefore(windowEnd)) {
      long windows = Duration.between(windowEnd, now).toMillis() / window.toMillis() + 1;
      windowEnd = windowEnd.plusMillis(windows * window.toMillis());
      remain = limit;
    }
  }
}
