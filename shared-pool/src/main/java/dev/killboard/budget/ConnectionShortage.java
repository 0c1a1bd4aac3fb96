package dev.killboard.budget;

/**
 * Recognises "no connection could be had in time": no permit of the class came free ({@link
 * BudgetExhaustedException}) or the pool's own wait for one of its connections ran out. Either way
 * the work was not started, and a caller that can wait (a queued job) should hand it back rather
 * than count it as a failed attempt.
 */
public final class ConnectionShortage {
  private ConnectionShortage() {}

  /** Whether {@code failure} (or one of its causes) says no connection could be had in time. */
  public static boolean is(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof BudgetExhaustedException || isPoolWaitTimeout(t)) {
        return true;
      }
    }
    return false;
  }

  // vertx-sql-client fails a request that waited longer than the pool's connection timeout with a
  // bare "Timeout" (Completable.fail(String)) when it asked for a connection (getConnection;
  // PermitHookContractTest pins that), and with SqlConnectionPool.POOL_QUERY_TIMEOUT_EXCEPTION, a
  // VertxException "Timeout waiting for connection", when a statement was run on the pool itself
  // (pool.query(...).execute(): the server check at start, pipelined pools). On a busy machine the
  // pool's wait can end before the permit wait it includes.
  private static boolean isPoolWaitTimeout(Throwable t) {
    return ("Timeout".equals(t.getMessage())
            && t.getClass().getName().equals("io.vertx.core.impl.NoStackTraceThrowable"))
        || ("Timeout waiting for connection".equals(t.getMessage())
            && t instanceof io.vertx.core.VertxException);
  }
}
