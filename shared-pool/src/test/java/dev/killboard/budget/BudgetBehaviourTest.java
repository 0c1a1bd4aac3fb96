package dev.killboard.budget;

import static dev.killboard.testing.Await.holdsWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The budget's promises inside one member: the API's class is its own, idle workers give permits
 * back, bad config fails.
 */
@ClusterTest
class BudgetBehaviourTest {
  private static EmbeddedDatabase db;
  private static TestCluster cluster;
  private static Vertx vertx;
  private static ConnectionBudget budget;

  @BeforeAll
  static void start() throws Exception {
    db = SharedServices.database();
    cluster = new TestCluster(0);
    vertx = cluster.startMember();
    budget = ConnectionBudget.start(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    budget.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static int available(String cls) {
    return budget.status().await().classes().get(cls).available();
  }

  @Test
  void apiGetsAConnectionWithinASecondWhileWorkersHoldEverythingAndQueue() throws Exception {
    List<BudgetedPool> pools = new ArrayList<>();
    List<SqlConnection> held = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      BudgetedPool p =
          budget.openPool(PoolProfile.worker(), "greedy-" + i).await(30, TimeUnit.SECONDS);
      pools.add(p);
      held.add(p.pool().getConnection().await(10, TimeUnit.SECONDS));
      held.add(p.pool().getConnection().await(10, TimeUnit.SECONDS));
    }
    assertThat(available("worker")).isZero();
    List<Future<SqlConnection>> queued = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      BudgetedPool p =
          budget.openPool(PoolProfile.worker(), "queued-" + i).await(30, TimeUnit.SECONDS);
      pools.add(p);
      queued.add(p.pool().getConnection());
    }
    BudgetedPool api = budget.sharedPool(PoolProfile.api(), "api").await(30, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    // The API pool pipelines single statements (no exclusive connections): a statement needs its
    // connection.
    assertThat(api.pool().query("SELECT 1").execute().await(5, TimeUnit.SECONDS).size())
        .isEqualTo(1);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(millis).as("API statement while the worker class is exhausted").isLessThan(1000);
    assertThat(queued).allMatch(f -> !f.isComplete());
    assertThatThrownBy(() -> api.pool().getConnection().await(5, TimeUnit.SECONDS))
        .as("a transaction on a pipelined pool would take in other callers' statements")
        .hasMessageContaining("pipelines statements");
    // Give the workers' permits back; the queued workers get theirs now, without failing.
    for (SqlConnection c : held) {
      c.close().await(10, TimeUnit.SECONDS);
    }
    for (int i = 0; i < 8; i++) {
      pools.get(i).close().await(30, TimeUnit.SECONDS);
    }
    for (Future<SqlConnection> f : queued) {
      f.await(20, TimeUnit.SECONDS).close().await(10, TimeUnit.SECONDS);
    }
    for (BudgetedPool p : pools) {
      p.close().await(30, TimeUnit.SECONDS);
    }
    api.close().await(30, TimeUnit.SECONDS);
    assertThat(available("worker")).isEqualTo(16);
    assertThat(available("api")).isEqualTo(5);
  }

  @Test
  void aPoolWaitingInAShortageShowsInTheStatusWithoutTakingAPermit() throws Exception {
    List<BudgetedPool> pools = new ArrayList<>();
    List<SqlConnection> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        BudgetedPool p =
            budget.openPool(PoolProfile.worker(), "holder-" + i).await(30, TimeUnit.SECONDS);
        pools.add(p);
        held.add(p.pool().getConnection().await(10, TimeUnit.SECONDS));
        held.add(p.pool().getConnection().await(10, TimeUnit.SECONDS));
      }
      BudgetedPool waiting =
          budget.openPool(PoolProfile.worker(), "waiter").await(30, TimeUnit.SECONDS);
      pools.add(waiting);
      long asked = System.currentTimeMillis();
      Future<SqlConnection> queued = waiting.pool().getConnection();
      BudgetStatus.ClassStatus worker = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      while (System.nanoTime() < deadline) {
        worker = budget.status().await(10, TimeUnit.SECONDS).classes().get("worker");
        if (!worker.waiters().isEmpty()) {
          break;
        }
        Thread.sleep(100); // the record is written asynchronously: external state, polled
      }
      long seen = System.currentTimeMillis();
      assertThat(worker.waiters())
          .as("waiters while every worker permit is held")
          .singleElement()
          .satisfies(
              w -> {
                assertThat(w.owner()).isEqualTo("waiter");
                assertThat(w.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(w.held()).isZero();
                assertThat(w.waiting()).isEqualTo(1);
                assertThat(w.waitingSince()).isBetween(asked, seen);
              });
      assertThat(worker.waiting()).isEqualTo(1);
      assertThat(worker.holders()).extracting(PermitHolder::owner).doesNotContain("waiter");
      assertThat(worker.inUse()).as("asking for the status takes no permit").isEqualTo(16);
      BudgetStatus status = budget.status().await(10, TimeUnit.SECONDS);
      assertThat(status.render()).contains("waits: waiter (pool ");
      assertThat(
              status
                  .toJson()
                  .getJsonObject("classes")
                  .getJsonObject("worker")
                  .getJsonArray("waiters")
                  .getJsonObject(0)
                  .getString("owner"))
          .isEqualTo("waiter");

      // A permit comes free: the waiter gets it (asking again if its first request ran out of time
      // on a slow
      // machine) and no longer waits.
      held.remove(0).close().await(10, TimeUnit.SECONDS);
      queued
          .transform(
              ar ->
                  ar.succeeded()
                      ? Future.succeededFuture(ar.result())
                      : waiting.pool().getConnection())
          .await(30, TimeUnit.SECONDS)
          .close()
          .await(10, TimeUnit.SECONDS);
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      while (System.nanoTime() < deadline && !worker.waiters().isEmpty()) {
        Thread.sleep(100);
        worker = budget.status().await(10, TimeUnit.SECONDS).classes().get("worker");
      }
      assertThat(worker.waiters()).as("waiters once a permit came free").isEmpty();
    } finally {
      for (SqlConnection c : held) {
        c.close().await(10, TimeUnit.SECONDS);
      }
      for (BudgetedPool p : pools) {
        p.close().await(30, TimeUnit.SECONDS);
      }
    }
    assertThat(available("worker")).isEqualTo(16);
  }

  @Test
  void sharedFuturesCompleteOnEachCallersOwnContext() throws Exception {
    // Two verticle-like callers on different event loops ask for the one shared API pool (the
    // second gets the
    // first's future) and for the budget's status: each must continue on its own context. Otherwise
    // everything a
    // caller then creates (an HTTP server) ends up on another caller's event loop.
    var vx = (io.vertx.core.internal.VertxInternal) vertx;
    List<io.vertx.core.Context> callers =
        List.of(vx.createEventLoopContext(), vx.createEventLoopContext());
    List<Future<Boolean>> onOwnContext = new ArrayList<>();
    List<BudgetedPool> handles = Collections.synchronizedList(new ArrayList<>());
    for (io.vertx.core.Context caller : callers) {
      io.vertx.core.Promise<Boolean> pool = io.vertx.core.Promise.promise();
      io.vertx.core.Promise<Boolean> status = io.vertx.core.Promise.promise();
      caller.runOnContext(
          v -> {
            budget
                .sharedPool(PoolProfile.api(), "api")
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        handles.add(ar.result());
                      }
                      pool.complete(ar.succeeded() && Vertx.currentContext() == caller);
                    });
            budget
                .status()
                .onComplete(
                    ar -> status.complete(ar.succeeded() && Vertx.currentContext() == caller));
          });
      onOwnContext.add(pool.future());
      onOwnContext.add(status.future());
    }
    for (Future<Boolean> f : onOwnContext) {
      assertThat(f.await(30, TimeUnit.SECONDS)).as("continued on the caller's context").isTrue();
    }
    for (BudgetedPool h : handles) {
      h.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void twelveWorkerPoolsFinishTheirWorkAndGivePermitsBackWhenIdle() throws Exception {
    List<BudgetedPool> pools = new ArrayList<>();
    AtomicInteger retries = new AtomicInteger();
    List<Future<Void>> work = new ArrayList<>();
    try (ConnectionSampler sampler = new ConnectionSampler(db, 20)) {
      for (int i = 0; i < 12; i++) {
        BudgetedPool p =
            budget.openPool(PoolProfile.worker(), "elastic-" + i).await(30, TimeUnit.SECONDS);
        pools.add(p);
        for (int loop = 0; loop < 2; loop++) {
          work.add(jobs(p.pool(), 25, retries));
        }
      }
      Future.all(work).await(180, TimeUnit.SECONDS);
      assertThat(sampler.peak()).as("worker connections at peak").isLessThanOrEqualTo(16);
    }
    assertThat(available("worker")).as("permits held right after the work").isLessThan(16);
    long doneAt = System.nanoTime();
    boolean back = holdsWithin(Duration.ofSeconds(12), () -> available("worker") == 16);
    double seconds = (System.nanoTime() - doneAt) / 1e9;
    assertThat(back).as("idle pools give every permit back within idle timeout + 2 s").isTrue();
    System.out.printf(
        "elastic: permits back %.1f s after the work ended; %d permit waits retried%n",
        seconds, retries.get());
    for (BudgetedPool p : pools) {
      p.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static Future<Void> jobs(Pool pool, int remaining, AtomicInteger retries) {
    if (remaining == 0) {
      return Future.succeededFuture();
    }
    return pool.query("SELECT pg_sleep(0.02)")
        .execute()
        .<Void>mapEmpty()
        .recover(
            err -> {
              if (err instanceof BudgetExhaustedException) {
                retries.incrementAndGet();
                return jobs(pool, 1, retries);
              }
              return Future.failedFuture(err);
            })
        .compose(v -> jobs(pool, remaining - 1, retries));
  }

  @Test
  void workOutsideAPoolHoldsAPermitWhileItRuns() throws Exception {
    int during =
        budget
            .withPermit(
                "api",
                "schema-migration",
                () -> {
                  try (java.sql.Connection c =
                      java.sql.DriverManager.getConnection(
                          "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database(),
                          db.appUser(),
                          db.appPassword())) {
                    return budget
                        .status()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS)
                        .classes()
                        .get("api")
                        .available();
                  }
                })
            .await(60, TimeUnit.SECONDS);
    assertThat(during)
        .as("api permits available while the migration's own connection is open")
        .isEqualTo(4);
    assertThat(available("api")).isEqualTo(5);
    assertThatThrownBy(
            () ->
                budget
                    .withPermit(
                        "api",
                        "failing",
                        () -> {
                          throw new IllegalStateException("boom");
                        })
                    .await(60, TimeUnit.SECONDS))
        .hasMessageContaining("boom");
    assertThat(available("api")).as("given back after a failure too").isEqualTo(5);
  }

  @Test
  void aTotalOverTheServersSlotsFailsAtStartNamingTheNumbers() throws Exception {
    BudgetSettings tooBig =
        TestCluster.budget(db, 23, Map.of("api", 5, "worker", 18), RoleLimitPolicy.WARN);
    TestCluster other = new TestCluster(0);
    Vertx member = other.startMember();
    try {
      ConnectionBudget b = ConnectionBudget.start(member, tooBig).await(60, TimeUnit.SECONDS);
      assertThatThrownBy(
              () -> b.openPool(PoolProfile.worker(), "too-big").await(30, TimeUnit.SECONDS))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("KILLBOARD_BUDGET_TOTAL=23")
          .hasMessageContaining("max_connections=25")
          .hasMessageContaining("superuser_reserved_connections=3")
          .hasMessageContaining("21 or less");
      assertThat(b.heldByThisMember("worker")).isZero();
      b.close().await(30, TimeUnit.SECONDS);
    } finally {
      member.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRoleWithoutConnectionLimitFailsWhenAskedTo() throws Exception {
    TestCluster other = new TestCluster(0);
    Vertx member = other.startMember();
    try {
      ConnectionBudget b =
          ConnectionBudget.start(
                  member,
                  TestCluster.budget(db, 21, Map.of("api", 5, "worker", 16), RoleLimitPolicy.FAIL))
              .await(60, TimeUnit.SECONDS);
      assertThatThrownBy(
              () -> b.openPool(PoolProfile.worker(), "strict").await(30, TimeUnit.SECONDS))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("CONNECTION LIMIT 21");
      db.setAppRoleConnectionLimit(21);
      try {
        BudgetedPool ok = b.openPool(PoolProfile.worker(), "strict").await(30, TimeUnit.SECONDS);
        ok.close().await(30, TimeUnit.SECONDS);
      } finally {
        db.setAppRoleConnectionLimit(-1);
      }
      b.close().await(30, TimeUnit.SECONDS);
    } finally {
      member.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMemberWithOtherClassSizesIsRefused() {
    BudgetSettings different =
        TestCluster.budget(db, 21, Map.of("api", 5, "worker", 12), RoleLimitPolicy.WARN);
    assertThatThrownBy(() -> ConnectionBudget.start(vertx, different).await(60, TimeUnit.SECONDS))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'worker' with 12 permits")
        .hasMessageContaining("uses 16");
  }

  @Test
  void classesOverTheTotalAndUnknownClassesFailWithTheSetting() {
    assertThatThrownBy(
            () ->
                TestCluster.budget(db, 21, Map.of("api", 5, "worker", 17), RoleLimitPolicy.WARN)
                    .validate())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("sums to 22")
        .hasMessageContaining("KILLBOARD_BUDGET_TOTAL is 21");
    PoolProfile unknown =
        new PoolProfile(
            "Reports",
            "reports",
            2,
            0,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ZERO);
    assertThatThrownBy(() -> budget.openPool(unknown, "reports").await(10, TimeUnit.SECONDS))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'reports'");
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_BUDGET_CLASSES", "api=five"), BudgetSettings::from))
        .hasMessageContaining("KILLBOARD_BUDGET_CLASSES");
    // A pasted connection string with its password is taken (DigitalOcean's form); a bad one is
    // refused without it.
    assertThat(
            Env.read(Map.of("KILLBOARD_DB_URL", "postgresql://u:secret@h/db"), BudgetSettings::from)
                .database()
                .password())
        .isEqualTo(new Secret("secret"));
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of("KILLBOARD_DB_URL", "postgresql://u:secret@h/db?sslmode=on"),
                    BudgetSettings::from))
        .hasMessageContaining("KILLBOARD_DB_URL")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_POOL_WORKER_MAX", "20"), BudgetSettings::from))
        .hasMessageContaining("exceeds its budget class 'worker' of 16");
  }
}
