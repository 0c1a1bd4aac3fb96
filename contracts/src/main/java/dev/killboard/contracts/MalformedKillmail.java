package dev.killboard.contracts;

/** An ESI killmail that breaks {@link KillmailShape}; the message names the field and the rule. */
public final class MalformedKillmail extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public MalformedKillmail(String message) {
    super(message);
  }
}
