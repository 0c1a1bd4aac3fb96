package dev.killboard.management;

import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.PoolStats;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What {@code /budget.json} and each {@code /budget/events} message carry: the cluster-wide budget
 * status plus this process's own pools (the only place where requests waiting for a connection are
 * known).
 */
final class BudgetSnapshot {
  private final ConnectionBudget budget;
  private final long pid = ProcessHandle.current().pid();

  BudgetSnapshot(ConnectionBudget budget) {
    this.budget = budget;
  }

  Future<JsonObject> take() {
    if (budget == null) {
      return Future.failedFuture(
          new IllegalStateException("this process has not joined the connection budget"));
    }
    return budget
        .status()
        .map(
            status ->
                status
                    .toJson()
                    .put("at", System.currentTimeMillis())
                    .put("pid", pid)
                    .put("localPools", localPools()));
  }

  private JsonArray localPools() {
    JsonArray pools = new JsonArray();
    for (BudgetedPool p : budget.pools()) {
      PoolStats s = p.stats();
      pools.add(
          new JsonObject()
              .put("pool", p.poolId())
              .put("owner", p.owner())
              .put("class", p.profile().budgetClass())
              .put("profile", p.profile().label())
              .put("permitsHeld", p.permitsHeld())
              .put("total", s.total())
              .put("idle", s.idle())
              .put("inUse", s.inUse())
              .put("waiting", s.waiting()));
    }
    return pools;
  }
}
