package dev.killboard.api.data;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Instants as the contract writes them: JavaScript's toISOString() (UTC, milliseconds, a trailing
 * Z), as the original.
 */
public final class Timestamps {
  static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

  private Timestamps() {}

  /** An instant as the contract's ISO-8601 text. */
  public static String iso(Instant instant) {
    return ISO_MILLIS.format(instant.atOffset(ZoneOffset.UTC));
  }
}
