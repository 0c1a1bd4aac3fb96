package dev.killboard.queue;

/**
 * Thrown by (or failed with from) a job handler when the job can never succeed, for example when
 * ESI answers 404 for the requested id: the consumer drops (acknowledges) the job with a log line
 * instead of retrying it.
 */
public class JobRejected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A rejection with the reason that will be logged. */
  public JobRejected(String reason) {
    super(reason);
  }

  /** A rejection with the reason that will be logged and the failure that revealed it. */
  public JobRejected(String reason, Throwable cause) {
    super(reason, cause);
  }
}
