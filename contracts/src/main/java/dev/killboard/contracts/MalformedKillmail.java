package dev.killboard.contracts;

/**
 * A killmail that breaks {@link KillmailShape}, or a {@code zkb} block that breaks {@link
 * Zkb#fromJson}; the message names the field and the rule.
 */
public final class MalformedKillmail extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public MalformedKillmail(String message) {
    super(message);
  }
}
