package dev.killboard.budget.impl;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Live counts of one pool's borrowers: connections lent out and requests still waiting for one. */
public final class PoolActivity {
  private final AtomicInteger leased = new AtomicInteger();
  private final AtomicInteger queriesInFlight = new AtomicInteger();
  private final AtomicInteger connectionRequests = new AtomicInteger();
  private final Set<Object> borrowed = ConcurrentHashMap.newKeySet();

  void leased() {
    leased.incrementAndGet();
  }

  void recycled(Object physical) {
    leased.decrementAndGet();
    borrowed.remove(physical);
  }

  void queryStarted() {
    queriesInFlight.incrementAndGet();
  }

  void queryEnded() {
    queriesInFlight.decrementAndGet();
  }

  void connectionRequested() {
    connectionRequests.incrementAndGet();
  }

  void connectionRequestEnded(Object physicalOrNull) {
    connectionRequests.decrementAndGet();
    if (physicalOrNull != null) {
      borrowed.add(physicalOrNull);
    }
  }

  /** Physical connections lent to a query or a borrower right now. */
  public int inUse() {
    return Math.max(0, leased.get());
  }

  /** Requests (queries or getConnection calls) that do not have a connection yet. */
  public int waiting() {
    int queriesRunning = Math.max(0, leased.get() - borrowed.size());
    return Math.max(0, connectionRequests.get() + queriesInFlight.get() - queriesRunning);
  }
}
