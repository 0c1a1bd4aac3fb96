package dev.killboard.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The cap, measured by the server: several OS processes (CP mode, 3 CP members) with 1 API pool and
 * 15 worker pools hammer a server configured like production; pg_stat_activity never shows more
 * than 21 application connections, and nobody sees "too many clients". The control run with plain
 * pools shows the test can fail.
 */
@ClusterTest
class ClusterCapTest {
  private static final int LOAD_SECONDS = 30;

  @Test
  void threeProcessesNeverHoldMoreThanTwentyOneConnections() throws Exception {
    EmbeddedDatabase db = SharedServices.database();
    TestCluster cluster = new TestCluster(3);
    Vertx vertx = cluster.startMember();
    List<ChildNode> children = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        children.add(
            new ChildNode(
                cluster.env(db), "governed", "5", "2", Integer.toString(LOAD_SECONDS), "10"));
      }
      for (ChildNode c : children) {
        c.awaitReady();
      }
      ConnectionBudget budget =
          ConnectionBudget.forVertx(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS);
      assertThat(ClusteredVertxAccess.cpMembers(vertx)).as("a real CP subsystem of 3").isEqualTo(3);
      BudgetedPool api = budget.sharedPool(PoolProfile.api(), "api").await(60, TimeUnit.SECONDS);
      ApiLoad apiLoad = new ApiLoad();
      try (ConnectionSampler sampler = new ConnectionSampler(db, 10)) {
        long end = System.currentTimeMillis() + LOAD_SECONDS * 1000L;
        List<Future<Void>> loops = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          Promise<Void> done = Promise.promise();
          vertx.runOnContext(v -> apiLoad.loop(api.pool(), end, done));
          loops.add(done.future());
        }
        List<JsonObject> results = new ArrayList<>();
        for (ChildNode c : children) {
          results.add(c.awaitResult(LOAD_SECONDS + 240));
        }
        Future.join(loops).await(120, TimeUnit.SECONDS);
        assertThat(sampler.meanIntervalMillis())
            .as("mean ms between pg_stat_activity samples")
            .isLessThanOrEqualTo(50.0);
        assertThat(sampler.peak()).as("peak application connections").isLessThanOrEqualTo(21);
        long okCount = 0;
        for (JsonObject r : results) {
          assertThat(r.getLong("tooManyClients")).as("53300 errors in %s", r).isZero();
          assertThat(r.getLong("otherErrors")).as("failed queries in %s", r).isZero();
          okCount += r.getLong("ok");
        }
        assertThat(okCount).as("worker queries done").isGreaterThan(1000);
        assertThat(apiLoad.failed.get()).as("failed API queries").isZero();
        assertThat(apiLoad.ok.get()).isGreaterThan(1000);
        System.out.printf(
            "cap test: peak %d connections over %d samples (every %.1f ms), %d worker queries, %d API queries%n",
            sampler.peak(),
            sampler.samples(),
            sampler.meanIntervalMillis(),
            okCount,
            apiLoad.ok.get());
      }
      api.close().await(30, TimeUnit.SECONDS);
      budget.close().await(30, TimeUnit.SECONDS);
    } finally {
      // Stop the CP members gracefully so the CP group keeps a majority while it shrinks.
      for (ChildNode c : children) {
        c.sendStop();
        c.awaitExit(60);
        c.close();
      }
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void theSameLoadWithPlainPoolsRunsOutOfSlots() throws Exception {
    EmbeddedDatabase db = SharedServices.database();
    Vertx vertx = Vertx.vertx(new VertxOptions());
    List<Pool> pools = new ArrayList<>();
    AtomicLong tooMany = new AtomicLong();
    try {
      BudgetSettings settings = TestCluster.budget(db);
      pools.add(
          PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(5))
              .connectingTo(settings.database().connectOptions("plain-api"))
              .using(vertx)
              .build());
      for (int i = 0; i < 15; i++) {
        pools.add(
            PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(2))
                .connectingTo(settings.database().connectOptions("plain-worker"))
                .using(vertx)
                .build());
      }
      List<Future<?>> all = new ArrayList<>();
      for (Pool p : pools) {
        for (int i = 0; i < 5; i++) {
          all.add(
              p.query("SELECT pg_sleep(0.5)")
                  .execute()
                  .onFailure(
                      err -> {
                        if (err instanceof PgException pg && "53300".equals(pg.getSqlState())) {
                          tooMany.incrementAndGet();
                        }
                      }));
        }
      }
      Future.join(all).otherwiseEmpty().await(120, TimeUnit.SECONDS);
      assertThat(tooMany.get())
          .as("plain pools (35 connections wanted) hit 'sorry, too many clients already'")
          .isPositive();
    } finally {
      for (Pool p : pools) {
        p.close();
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** The API's side of the load: five clients querying until the deadline. */
  private static final class ApiLoad {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    void loop(Pool pool, long end, Promise<Void> done) {
      if (System.currentTimeMillis() >= end) {
        done.complete();
        return;
      }
      pool.query("SELECT pg_sleep(0.005)")
          .execute()
          .onSuccess(r -> ok.incrementAndGet())
          .onFailure(e -> failed.incrementAndGet())
          .onComplete(ar -> loop(pool, end, done));
    }
  }
}
