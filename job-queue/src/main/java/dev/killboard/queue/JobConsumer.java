package dev.killboard.queue;

import io.vertx.core.Future;

/**
 * Takes jobs of one queue (higher priority first) on its own Redis connection and runs them with
 * bounded concurrency. Created by {@link JobQueue#consumer}.
 */
public interface JobConsumer {

  /** The queue it consumes. */
  String queue();

  /** Its name in the consumer group. */
  String name();

  /** Jobs being handled right now (never more than the configured concurrency). */
  int inFlight();

  /**
   * Takes no new job until {@link #resume()}: jobs in flight go on, and jobs already read wait with
   * their leases kept. Back-pressure for a handler that cannot run jobs now (no database connection
   * to be had).
   */
  void pause();

  /** Takes jobs again after {@link #pause()}. */
  void resume();

  /**
   * Connects its dedicated connection, joins the group and starts consuming.
   *
   * @return a failed future when Redis cannot be reached or the consumer was already started or
   *     stopped
   */
  Future<Void> start();

  /**
   * Stops reading, gives back entries it had taken but not started, waits for the jobs in flight to
   * finish and be acknowledged (at most one visibility timeout: a job still running then stays
   * pending and is redelivered), then leaves the group and closes its connection. Calling it again
   * returns the same future.
   */
  Future<Void> stop();
}
