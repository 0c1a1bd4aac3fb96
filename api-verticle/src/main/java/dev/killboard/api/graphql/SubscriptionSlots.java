package dev.killboard.api.graphql;

import java.util.HashSet;
import java.util.Set;

/**
 * The subscriptions running on one WebSocket, at most a configured number: one socket could hold
 * 1,000 of them (issue 10, R6). An operation claims a slot when it turns out to be a subscription;
 * the client's {@code complete} and the socket's end give slots back.
 */
public final class SubscriptionSlots {
  private final int max;
  private final Set<String> ids = new HashSet<>();

  public SubscriptionSlots(int max) {
    this.max = max;
  }

  public int max() {
    return max;
  }

  synchronized boolean acquire(String id) {
    if (ids.contains(id)) {
      return true;
    }
    if (ids.size() >= max) {
      return false;
    }
    ids.add(id);
    return true;
  }

  /** The client completed operation {@code id} (or it never was a subscription). */
  public synchronized void release(String id) {
    ids.remove(id);
  }

  /**
   * One operation of a socket, put into its execution's context: which slots, under which operation
   * id.
   */
  public record Claim(SubscriptionSlots slots, String id) {}
}
