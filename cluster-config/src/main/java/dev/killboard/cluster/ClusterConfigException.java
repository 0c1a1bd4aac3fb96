package dev.killboard.cluster;

/** Invalid cluster settings; the message names the setting, the bad value and what to set instead. */
public final class ClusterConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message names the environment variable, the rejected value and the fix */
  public ClusterConfigException(String message) {
    // No stack trace: this is an operator-facing configuration error, not a bug.
    super(message, null, false, false);
  }
}
