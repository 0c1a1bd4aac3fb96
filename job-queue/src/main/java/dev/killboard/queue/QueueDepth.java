package dev.killboard.queue;

/**
 * How many jobs a queue holds: {@code ready} (not yet delivered), {@code inFlight} (delivered, not
 * yet acknowledged) and {@code delayed} (failed, waiting for their retry time).
 */
public record QueueDepth(long ready, long inFlight, long delayed) {

  /** Every job still to be done: ready + in flight + delayed. */
  public long total() {
    return ready + inFlight + delayed;
  }
}
