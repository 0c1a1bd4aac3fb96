package dev.killboard.budget.impl;

import dev.killboard.budget.PoolProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a pool's minimum of connections open: vertx-pg-client has no minimum-idle setting, so while
 * the pool is not in use this touches {@code minSize} connections more often than the idle timeout
 * would close them.
 */
public final class WarmKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(WarmKeeper.class);

  private final Vertx vertx;
  private final long timerId;

  public WarmKeeper(
      Vertx vertx,
      io.vertx.core.internal.ContextInternal home,
      Pool pool,
      PoolAccount account,
      PoolProfile profile) {
    this.vertx = vertx;
    long every = Math.max(1_000, profile.idleTimeout().toMillis() / 3);
    this.timerId = home.setPeriodic(every, id -> keepWarm(pool, account, profile));
    home.runOnContext(v -> keepWarm(pool, account, profile));
  }

  private static void keepWarm(Pool pool, PoolAccount account, PoolProfile profile) {
    {
      if (account.stats().inUse() > 0) {
        return;
      }
      List<Future<?>> pings = new ArrayList<>();
      for (int i = 0; i < profile.minSize(); i++) {
        pings.add(pool.query("SELECT 1").execute());
      }
      Future.join(pings)
          .onFailure(
              err -> LOG.debug("[{}] Keep-warm query failed: {}", profile.label(), err.toString()));
    }
  }

  public void stop() {
    vertx.cancelTimer(timerId);
  }
}
