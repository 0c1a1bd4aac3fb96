package dev.killboard.fake;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Queues faults per route: {@code inject(FakeEsi.CHARACTER, Fault.status(503), 3)} makes the next
 * three calls of that route answer 503, after which it behaves normally again. {@link #ANY_ROUTE}
 * matches every route of the fake.
 */
public final class FaultInjector {
  /** A route name matching every route (used when the route has no fault of its own queued). */
  public static final String ANY_ROUTE = "*";

  private final Map<String, Deque<Pending>> queues = new HashMap<>();

  /**
   * Makes the next {@code times} calls of {@code route} show {@code fault}. Queued faults apply in
   * order.
   */
  public synchronized FaultInjector inject(String route, Fault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1, got " + times);
    }
    queues.computeIfAbsent(route, k -> new ArrayDeque<>()).addLast(new Pending(fault, times));
    return this;
  }

  /** Makes the next call of {@code route} show {@code fault}. */
  public FaultInjector inject(String route, Fault fault) {
    return inject(route, fault, 1);
  }

  /** Number of faulty calls still queued for a route. */
  public synchronized int pending(String route) {
    Deque<Pending> queue = queues.get(route);
    return queue == null ? 0 : queue.stream().mapToInt(p -> p.remaining).sum();
  }

  /** Forgets every queued fault. */
  public synchronized void clear() {
    queues.clear();
  }

  synchronized Optional<Fault> take(String route) {
    Optional<Fault> own = takeFrom(route);
    return own.isPresent() ? own : takeFrom(ANY_ROUTE);
  }

  private Optional<Fault> takeFrom(String key) {
    Deque<Pending> queue = queues.get(key);
    if (queue == null || queue.isEmpty()) {
      return Optional.empty();
    }
    Pending head = queue.peekFirst();
    if (--head.remaining == 0) {
      queue.removeFirst();
    }
    return Optional.of(head.fault);
  }

  private static final class Pending {
    final Fault fault;
    int remaining;

    Pending(Fault fault, int remaining) {
      this.fault = fault;
      this.remaining = remaining;
    }
  }
}
