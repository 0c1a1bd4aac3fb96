package dev.killboard.queue;

/**
 * Failed with by a job handler when the job was not at fault and was not really tried (no database
 * connection could be had, the worker is stopping): the consumer gives the entry back to the queue
 * unchanged, spending none of its attempts, and another consumer (or this one, later) runs it.
 */
public class JobHandedBack extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A hand-back with the reason that will be logged. */
  public JobHandedBack(String reason, Throwable cause) {
    super(reason, cause, false, false);
  }
}
