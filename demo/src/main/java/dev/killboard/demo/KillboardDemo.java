package dev.killboard.demo;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.budget.PoolProfile;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.EmbeddedRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.SslMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Killboard on embedded defaults: PostgreSQL configured like the production plan (25 connections, 3 reserved),
 * Redis, one clustered Vert.x member, and governed pools under load, printing the cluster-wide budget every few seconds.
 * KILLBOARD_DEMO_SECONDS bounds the run (0, the default, runs until Ctrl-C).
 */
public final class KillboardDemo {
  private static final Logger LOG = LoggerFactory.getLogger(KillboardDemo.class);

  private KillboardDemo() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(System.getenv().getOrDefault("KILLBOARD_DEMO_SECONDS", "0"));
    EmbeddedDatabase db = EmbeddedDatabase.start();
    EmbeddedRedis redis = EmbeddedRedis.start();
    LOG.info("Embedded PostgreSQL on {}:{} (max_connections=25, superuser_reserved_connections=3), Redis on {}",
        db.host(), db.port(), redis.uri());
    ClusterSettings cluster = ClusterSettings.fromEnv(System.getenv()).validate();
    Vertx vertx = ClusteredVertx.start(cluster, new VertxOptions()).await(120, TimeUnit.SECONDS);
    BudgetSettings settings = BudgetSettings.fromEnv(System.getenv()).withDatabase(new DatabaseSettings(db.host(), db.port(),
        db.database(), db.appUser(), db.appPassword(), SslMode.DISABLE, false, 30_000)).validate();
    ConnectionBudget budget = ConnectionBudget.forVertx(vertx, settings).await(60, TimeUnit.SECONDS);

    List<BudgetedPool> pools = new ArrayList<>();
    pools.add(budget.sharedPool(PoolProfile.api(), "api").await(60, TimeUnit.SECONDS));
    for (int i = 0; i < 10; i++) {
      pools.add(budget.openPool(PoolProfile.worker(), "demo-worker#" + i).await(60, TimeUnit.SECONDS));
    }
    // Twelve clients per pool: far more demand than the 21 permits, so the budget has work to do.
    long loadTimer = vertx.setPeriodic(200, id -> pools.forEach(p -> {
      for (int i = 0; i < 3; i++) {
        p.pool().query("SELECT pg_sleep(0.05)").execute()
            .onFailure(err -> LOG.debug("demo query: {}", err.getMessage()));
      }
    }));
    long statusTimer = vertx.setPeriodic(5_000, id -> budget.status()
        .onSuccess(s -> System.out.println(s.render()))
        .onFailure(err -> LOG.warn("status: {}", err.toString())));

    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "demo-stop"));
    if (seconds > 0) {
      stop.await(seconds, TimeUnit.SECONDS);
    } else {
      stop.await();
    }
    vertx.cancelTimer(loadTimer);
    vertx.cancelTimer(statusTimer);
    Future.join(pools.stream().map(BudgetedPool::close).toList()).await(60, TimeUnit.SECONDS);
    System.out.println(budget.status().await(30, TimeUnit.SECONDS).render());
    budget.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(60, TimeUnit.SECONDS);
    redis.close();
    db.close();
  }
}
