package dev.killboard.queue;

/**
 * Redis cannot be reached right now; the operation was not performed and the caller decides whether
 * to retry.
 */
public class QueueUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An unavailability with a message that says what was not done and why. */
  public QueueUnavailableException(String message) {
    super(message);
  }

  /** An unavailability with a message and the connection failure behind it. */
  public QueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
