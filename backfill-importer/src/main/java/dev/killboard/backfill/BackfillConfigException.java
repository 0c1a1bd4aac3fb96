package dev.killboard.backfill;

/** An invalid backfill argument or setting; the message names it and says what to change. */
public final class BackfillConfigException extends RuntimeException {
  /** With the message shown to the operator. */
  public BackfillConfigException(String message) {
    super(message);
  }
}
