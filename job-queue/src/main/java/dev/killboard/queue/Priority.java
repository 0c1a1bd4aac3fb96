package dev.killboard.queue;

import java.util.Locale;

/**
 * How urgent a job is; a consumer always takes every available entry of a higher priority before a
 * lower one.
 */
public enum Priority {
  /** User-triggered work (a user waits for it). */
  HIGH,
  /** Regular background work. */
  NORMAL,
  /** Bulk backfill that may wait. */
  LOW;

  /** The key suffix of this priority's stream, e.g. {@code high}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Priority fromKey(String key) {
    for (Priority p : values()) {
      if (p.key().equals(key)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown priority '" + key + "'");
  }
}
