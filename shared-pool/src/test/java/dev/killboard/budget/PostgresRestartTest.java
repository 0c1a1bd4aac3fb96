package dev.killboard.budget;

import static dev.killboard.testing.Await.holdsWithin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL immediate restart drops every connection of every member at once. The budget must
 * come back whole: no permit forfeited for a session that is still alive (the permanent leak the
 * chaos run found), every class at full capacity again within the session TTL + 5 s, and permits in
 * use = connections that exist.
 */
@ClusterTest
class PostgresRestartTest {
  private static final Duration TTL = Duration.ofSeconds(10);

  @Test
  void everyPermitComesBackAfterImmediateRestarts() throws Exception {
    TestCluster cluster = new TestCluster(3);
    List<ConnectionBudget> budgets = new ArrayList<>();
    List<BudgetedPool> pools = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    // The CP subsystem forms once its 3 members are there: start them all before joining the
    // budget.
    try (EmbeddedDatabase db = EmbeddedDatabase.start();
        TestCluster.Members members = cluster.startMembers(3)) {
      for (Vertx vertx : members.all()) {
        budgets.add(
            ConnectionBudget.start(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS));
      }
      // Each member: the API pool (5) and three worker pools (2 each): 9 worker pools on 16
      // permits, under load.
      List<Future<Void>> loops = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ConnectionBudget budget = budgets.get(i);
        pools.add(budget.sharedPool(PoolProfile.api(), "api@" + i).await(30, TimeUnit.SECONDS));
        for (int w = 0; w < 3; w++) {
          pools.add(budget.openWorkerPool("worker@" + i + "." + w).await(30, TimeUnit.SECONDS));
        }
      }
      for (BudgetedPool pool : pools) {
        for (int lane = 0; lane < pool.profile().maxSize(); lane++) {
          loops.add(load(members.get(0), pool, stop, ok));
        }
      }
      assertThat(
              holdsWithin(
                  Duration.ofSeconds(30),
                  () ->
                      available(budgets.get(0), "api") == 0
                          && available(budgets.get(0), "worker") == 0))
          .as("the load holds every permit")
          .isTrue();
      // Hazelcast retires a session whose permit count falls to zero once it is older than the TTL;
      // the chaos run's fences fired on exactly that, so the sessions must be older than the TTL
      // when PostgreSQL goes down.
      Thread.sleep(TTL.toMillis() + 1_000);

      for (int round = 1; round <= 2; round++) {
        long before = ok.get();
        db.restartImmediate();
        // The load reconnects by itself; then, past the TTL, the retired sessions expire: nothing
        // may be lost then.
        assertThat(holdsWithin(Duration.ofSeconds(30), () -> ok.get() > before + 100))
            .as("queries succeed again after restart %d", round)
            .isTrue();
        Thread.sleep(TTL.toMillis() + 2_000);
        for (String cls : List.of("api", "worker")) {
          assertThat(holdsWithin(Duration.ofSeconds(5), () -> consistent(budgets, cls)))
              .as("after restart %d, class %s: available + held by the members = size", round, cls)
              .isTrue();
        }
        assertThat(
                holdsWithin(
                    Duration.ofSeconds(5), () -> heldByAll(budgets) == db.countAppConnections()))
            .as("after restart %d: permits held = physical connections", round)
            .isTrue();
        assertThat(
                holdsWithin(
                    Duration.ofSeconds(10),
                    () ->
                        available(budgets.get(0), "worker") == 0
                            && available(budgets.get(0), "api") == 0))
            .as("after restart %d the load holds all 21 permits again", round)
            .isTrue();
        assertThat(db.countAppConnections())
            .as("connections after restart %d", round)
            .isEqualTo(21);
      }

      stop.set(true);
      Future.join(loops).await(60, TimeUnit.SECONDS);
      for (BudgetedPool pool : pools) {
        pool.close().await(30, TimeUnit.SECONDS);
      }
      assertThat(available(budgets.get(0), "api")).as("every API permit back").isEqualTo(5);
      assertThat(available(budgets.get(0), "worker")).as("every worker permit back").isEqualTo(16);
      assertThat(db.countAppConnections()).isZero();
    } finally {
      stop.set(true);
      for (ConnectionBudget budget : budgets) {
        budget.close().await(60, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Queries one after the other until stopped; failures (the restart) just go on to the next query.
   */
  private static Future<Void> load(
      Vertx vertx, BudgetedPool pool, AtomicBoolean stop, AtomicLong ok) {
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(v -> next(pool, stop, ok, done));
    return done.future();
  }

  private static void next(
      BudgetedPool pool, AtomicBoolean stop, AtomicLong ok, Promise<Void> done) {
    if (stop.get()) {
      done.complete();
      return;
    }
    pool.pool()
        .query("SELECT pg_sleep(0.02)")
        .execute()
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                ok.incrementAndGet();
                next(pool, stop, ok, done);
              } else {
                // Pacing while the server is down, like a worker's outage wait; not a
                // synchronisation.
                Vertx.currentContext().owner().setTimer(50, id -> next(pool, stop, ok, done));
              }
            });
  }

  private static int available(ConnectionBudget budget, String cls) {
    return budget.status().await().classes().get(cls).available();
  }

  private static int heldByAll(List<ConnectionBudget> budgets) {
    return budgets.stream()
        .mapToInt(b -> b.heldByThisMember("api") + b.heldByThisMember("worker"))
        .sum();
  }

  private static boolean consistent(List<ConnectionBudget> budgets, String cls) {
    BudgetStatus.ClassStatus status = budgets.get(0).status().await().classes().get(cls);
    int held = budgets.stream().mapToInt(b -> b.heldByThisMember(cls)).sum();
    return status.available() + held == status.permits();
  }
}
