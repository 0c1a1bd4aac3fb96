package dev.killboard.budget.impl;

import dev.killboard.budget.ConnectionBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer meters of the budget: per pool total / idle / in use / waiting; per class the permits
 * this member holds and those available cluster-wide (read off the event loop every few seconds,
 * since reading the semaphore blocks).
 */
public final class BudgetMeters {
  private final ConnectionBudget budget;
  private final ClassSemaphores semaphores;
  private final Map<String, AtomicInteger> available = new ConcurrentHashMap<>();
  private final Map<String, PoolAccount> pools = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> poolMeters = new ConcurrentHashMap<>();
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private final long timerId;

  public BudgetMeters(
      ConnectionBudget budget,
      ClassSemaphores semaphores,
      io.vertx.core.internal.ContextInternal home) {
    this.budget = budget;
    this.semaphores = semaphores;
    semaphores.sizes().keySet().forEach(c -> available.put(c, new AtomicInteger(-1)));
    this.timerId = home.setPeriodic(5_000, id -> refreshAvailable());
    home.runOnContext(v -> refreshAvailable());
  }

  private void refreshAvailable() {
    available.forEach((cls, value) -> semaphores.available(cls).onSuccess(value::set));
  }

  public void bindTo(MeterRegistry registry) {
    registries.add(registry);
    available.forEach(
        (cls, value) -> {
          Gauge.builder("killboard.budget.permits.available", value, AtomicInteger::get)
              .description("Permits of the class not held by anyone in the cluster")
              .tags("class", cls)
              .register(registry);
          Gauge.builder("killboard.budget.permits.held", budget, b -> b.heldByThisMember(cls))
              .description("Permits of the class held by this member")
              .tags("class", cls)
              .register(registry);
          Gauge.builder("killboard.budget.permits.size", semaphores.sizes(), s -> s.get(cls))
              .description("Permits of the class in the whole cluster")
              .tags("class", cls)
              .register(registry);
        });
    pools.values().forEach(a -> register(registry, a));
  }

  public void poolOpened(PoolAccount account) {
    pools.put(account.poolId(), account);
    registries.forEach(r -> register(r, account));
  }

  public void poolClosed(PoolAccount account) {
    pools.remove(account.poolId());
    List<Meter> meters = poolMeters.remove(account.poolId());
    if (meters != null) {
      for (Meter m : meters) {
        registries.forEach(r -> r.remove(m));
      }
    }
  }

  private void register(MeterRegistry registry, PoolAccount a) {
    Tags tags =
        Tags.of(
            "pool",
            a.poolId(),
            "owner",
            a.owner(),
            "profile",
            a.profile().label(),
            "class",
            a.profile().budgetClass());
    List<Meter> meters = poolMeters.computeIfAbsent(a.poolId(), k -> new CopyOnWriteArrayList<>());
    meters.add(
        Gauge.builder("killboard.pool.connections", a, x -> x.stats().total())
            .tags(tags.and("state", "total"))
            .register(registry));
    meters.add(
        Gauge.builder("killboard.pool.connections", a, x -> x.stats().idle())
            .tags(tags.and("state", "idle"))
            .register(registry));
    meters.add(
        Gauge.builder("killboard.pool.connections", a, x -> x.stats().inUse())
            .tags(tags.and("state", "in_use"))
            .register(registry));
    meters.add(
        Gauge.builder("killboard.pool.waiting", a, x -> x.stats().waiting())
            .description("Requests waiting for a connection")
            .tags(tags)
            .register(registry));
  }

  public void close() {
    semaphores.vertx().cancelTimer(timerId);
  }
}
