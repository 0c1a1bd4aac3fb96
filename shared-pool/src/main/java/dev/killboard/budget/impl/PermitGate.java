package dev.killboard.budget.impl;

import io.vertx.core.Future;

/**
 * Grants one permit per physical connection of one pool and hears when that connection opens and
 * closes.
 */
public interface PermitGate {

  /**
   * Takes a permit before a physical connect; fails with BudgetExhaustedException after the pool's
   * connection timeout.
   */
  Future<PermitLease> acquire();

  /**
   * The physical connection holding {@code lease} is open; {@code backendPid} is its server process
   * id.
   */
  void opened(PermitLease lease, int backendPid);

  /**
   * The physical connection holding {@code lease} has closed, for whatever reason, or never opened.
   */
  void closed(PermitLease lease);
}
