package dev.killboard.queue;

/**
 * The life of a {@link StreamJobConsumer}, one state at a time; every transition happens on the
 * consumer's context (docs/queues.md, "Inside a consumer").
 */
enum ConsumerState {
  NEW,
  STARTING,
  /** Takes jobs. */
  RUNNING,
  /** Takes no job; jobs in flight go on and read entries wait with their leases kept. */
  PAUSED,
  /**
   * Stop asked: reads no more, waits for jobs in flight (one visibility timeout at most) and
   * outstanding reads.
   */
  DRAINING,
  /**
   * The visibility timeout passed while draining: waits only for outstanding reads, not for jobs.
   */
  ABANDONING,
  /** Gives back unstarted entries, leaves the group, closes the read connection. */
  FINISHING,
  STOPPED;

  boolean consuming() {
    return this == RUNNING || this == PAUSED;
  }
}
