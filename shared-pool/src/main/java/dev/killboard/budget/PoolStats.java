package dev.killboard.budget;

/**
 * A moment's counts of one pool: physical connections, idle ones, borrowed ones and requests
 * waiting for one.
 */
public record PoolStats(int total, int idle, int inUse, int waiting) {
  /** The counts once an idle connection has been handed to a waiting request (if any waits). */
  public PoolStats handedToWaiter() {
    if (waiting == 0 || idle == 0) {
      return this;
    }
    return new PoolStats(total, idle - 1, inUse + 1, waiting - 1);
  }

  @Override
  public String toString() {
    return "Total: " + total + ", Idle: " + idle + ", Waiting: " + waiting;
  }
}
