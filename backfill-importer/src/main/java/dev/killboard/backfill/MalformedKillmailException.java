package dev.killboard.backfill;

/**
 * An archive entry that is not a storable ESI killmail; the message is the reason printed next to
 * the entry name.
 */
public final class MalformedKillmailException extends Exception {
  /** With the reason. */
  public MalformedKillmailException(String reason) {
    super(reason, null, false, false);
  }
}
