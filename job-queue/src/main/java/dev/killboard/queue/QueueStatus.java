package dev.killboard.queue;

/**
 * The read model behind the API's {@code workerStatus}: one queue's depth, live consumers and dead
 * letters.
 */
public record QueueStatus(String queue, QueueDepth depth, int consumers, long deadLetters) {

  /**
   * The original's {@code messageCount}: every job still to be done (ready, in flight and delayed).
   */
  public long messageCount() {
    return depth.total();
  }

  /** The original's {@code active}: at least one live consumer. */
  public boolean active() {
    return consumers > 0;
  }
}
