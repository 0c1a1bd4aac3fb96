package dev.killboard.budget;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/** A vertx-pg-client Pool whose every physical connection holds one permit of its budget class. */
public interface BudgetedPool {

  /** The pool to run queries on; use it as any vertx-pg-client Pool. */
  Pool pool();

  /** The profile it was opened with. */
  PoolProfile profile();

  /** Who uses it, e.g. "info-characters#2" or "api". */
  String owner();

  /** This pool's id in the budget status. */
  String poolId();

  /** Physical connections, idle ones, borrowed ones and waiting requests right now. */
  PoolStats stats();

  /** Permits this pool holds right now (one per physical connection, plus connects in progress). */
  int permitsHeld();

  /**
   * Closes this handle; the physical pool closes when its last handle does, and completes once its
   * permits are back.
   */
  Future<Void> close();
}
