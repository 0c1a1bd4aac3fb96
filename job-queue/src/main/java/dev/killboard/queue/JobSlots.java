package dev.killboard.queue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The entries a consumer holds: up to {@code concurrency} running (their handler called, their
 * outcome settled by {@link Settlement}), the rest taken and waiting, highest priority first, then
 * in the order they were taken. Touched on the consumer's context only, except {@link #running()}.
 */
final class JobSlots {

  private final ConsumerContext ctx;
  private final Settlement settlement;
  private final Function<Job, Future<?>> handler;
  private final int concurrency;
  private final Runnable settled;
  private final PriorityQueue<Delivery> waiting =
      new PriorityQueue<>(
          Comparator.<Delivery>comparingInt(d -> d.priority.ordinal())
              .thenComparingLong(d -> d.order));
  private final Map<String, Delivery> running = new LinkedHashMap<>();
  // Read by JobConsumer.inFlight() from any thread.
  private volatile int runningCount;

  /**
   * @param settled told each time a running entry has been settled (its slot is free again)
   */
  JobSlots(
      ConsumerContext ctx,
      Settlement settlement,
      Function<Job, Future<?>> handler,
      int concurrency,
      Runnable settled) {
    this.ctx = ctx;
    this.settlement = settlement;
    this.handler = handler;
    this.concurrency = concurrency;
    this.settled = settled;
  }

  /** Entries running now (any thread). */
  int running() {
    return runningCount;
  }

  /** Free slots: how many more entries may run now. */
  int free() {
    return concurrency - running.size();
  }

  /** Free slots no waiting entry will take: how many entries the consumer may still take. */
  int room() {
    return free() - waiting.size();
  }

  /** Whether no entry waits. */
  boolean noneWaiting() {
    return waiting.isEmpty();
  }

  /** The priority of the first waiting entry; null when none waits. */
  Priority firstWaiting() {
    Delivery top = waiting.peek();
    return top == null ? null : top.priority;
  }

  /** Adds taken entries to those waiting. */
  void took(List<Delivery> taken) {
    waiting.addAll(taken);
  }

  /** Starts waiting entries, highest priority first, while slots are free and {@code may} holds. */
  void startWaiting(BooleanSupplier may) {
    while (may.getAsBoolean() && free() > 0 && !waiting.isEmpty()) {
      start(waiting.poll());
    }
  }

  /** Every entry held, running or waiting (their leases are kept). */
  List<Delivery> held() {
    List<Delivery> all = new ArrayList<>(running.values());
    all.addAll(waiting);
    return all;
  }

  /** Removes and returns the entries that wait (on stop: they are given back). */
  List<Delivery> takeWaiting() {
    List<Delivery> unstarted = new ArrayList<>(waiting);
    waiting.clear();
    return unstarted;
  }

  private void start(Delivery d) {
    running.put(d.key(), d);
    runningCount = running.size();
    Future<Void> outcome = settlement.refuseUnrunnable(d);
    if (outcome == null) {
      outcome = ctx.deliver(handle(d.job)).transform(ar -> settlement.settle(d, ar));
    }
    outcome.onComplete(
        ar -> {
          running.remove(d.key());
          runningCount = running.size();
          settled.run();
        });
  }

  /** The handler's outcome; a handler that throws or returns null has failed. */
  private Future<Void> handle(Job job) {
    try {
      Future<?> f = handler.apply(job);
      return f == null
          ? Future.failedFuture(
              new IllegalStateException("the handler returned null instead of a Future"))
          : f.mapEmpty();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }
}
