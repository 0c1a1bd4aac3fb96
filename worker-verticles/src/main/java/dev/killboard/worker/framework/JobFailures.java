package dev.killboard.worker.framework;

import dev.killboard.budget.BudgetExhaustedException;
import dev.killboard.budget.ConnectionShortage;
import dev.killboard.queue.JobRejected;
import dev.killboard.upstream.UpstreamNotFound;
import dev.killboard.upstream.UpstreamRejected;
import dev.killboard.upstream.UpstreamRetryable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns a job's failure into what the queue should do with it. Dropped ({@link JobRejected}, acked
 * with an INFO line): ESI 404 (the entity does not exist, as the original drops it) and other 4xx
 * refusals (asking again would only spend ESI's error budget). Everything else is retried with
 * backoff and dead-lettered after the last attempt with its reason: 5xx, timeouts, 420/429, {@link
 * BudgetExhaustedException}, database errors, malformed answers and bad payloads (kept as dead
 * letters, so no input is lost silently).
 */
public final class JobFailures {
  private JobFailures() {}

  /**
   * The failure to hand to the queue: a {@link JobRejected} to drop, otherwise the cause itself
   * (retry).
   */
  public static Throwable classify(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof JobRejected) {
      return cause;
    }
    if (cause instanceof UpstreamNotFound notFound) {
      return new JobRejected("not found upstream (" + notFound.getMessage() + ")", notFound);
    }
    if (cause instanceof UpstreamRejected rejected) {
      return new JobRejected(
          "refused upstream with HTTP " + rejected.status() + " (" + rejected.getMessage() + ")",
          rejected);
    }
    return cause;
  }

  /** Whether the queue will retry this failure (as opposed to dropping the job). */
  public static boolean retryable(Throwable failure) {
    return !(classify(failure) instanceof JobRejected);
  }

  /**
   * Whether no database connection could be had in time (no permit free, or the pool's own wait ran
   * out).
   */
  public static boolean shortage(Throwable failure) {
    return ConnectionShortage.is(failure);
  }

  /**
   * Whether this is a transient failure (upstream or connection budget) rather than a bug or bad
   * data.
   */
  public static boolean transientFailure(Throwable failure) {
    Throwable cause = unwrap(failure);
    return cause instanceof UpstreamRetryable || cause instanceof BudgetExhaustedException;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
