package dev.killboard.budget;

import static dev.killboard.testing.Await.holdsWithin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A member killed with SIGKILL gets its permits back after the CP session TTL; a graceful stop
 * gives them back at once.
 */
@ClusterTest
class CrashAndStopTest {

  private static int available(ConnectionBudget budget) {
    return budget.status().await().classes().get("worker").available();
  }

  private static int heldBy(ConnectionBudget budget, long pid) {
    return budget.status().await().classes().get("worker").holders().stream()
        .filter(h -> h.pid() == pid)
        .mapToInt(PermitHolder::held)
        .sum();
  }

  @Test
  void killedProcessPermitsComeBackWithinTtlAndSurvivorsKeepWorking() throws Exception {
    EmbeddedDatabase db = SharedServices.database();
    TestCluster cluster = new TestCluster(0);
    Vertx vertx = cluster.startMember();
    ConnectionBudget budget =
        ConnectionBudget.start(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS);
    // The victim holds 2 pools x 2 borrowed connections; the survivor holds 1 pool x 2 and keeps
    // querying.
    try (ChildNode victim = new ChildNode(cluster.env(db), "hold", "2", "2", "600", "0");
        ChildNode survivor = new ChildNode(cluster.env(db), "hold", "1", "2", "60", "0")) {
      victim.awaitReady();
      survivor.awaitReady();
      assertThat(available(budget)).isEqualTo(10);
      assertThat(db.countAppConnections()).isEqualTo(6);
      // The status, read from this member, names the other processes' holders.
      assertThat(heldBy(budget, victim.pid())).isEqualTo(4);
      assertThat(heldBy(budget, survivor.pid())).isEqualTo(2);

      victim.kill9();
      long killedAt = System.nanoTime();
      boolean back = holdsWithin(Duration.ofSeconds(25), () -> available(budget) == 14);
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      System.out.printf(
          "permits of the killed member back after %.1f s (session TTL 10 s)%n", seconds);
      assertThat(back).as("the killed member's 4 permits come back").isTrue();
      assertThat(seconds).as("within TTL + 3 s").isLessThanOrEqualTo(13.0);
      assertThat(heldBy(budget, victim.pid()))
          .as("the dead member is gone from the status")
          .isZero();

      // Survivors keep working: the remaining member's pool and a new pool here both run queries.
      BudgetedPool pool =
          budget.openPool(PoolProfile.worker(), "after-crash").await(30, TimeUnit.SECONDS);
      assertThat(
              pool.pool()
                  .query("SELECT 42")
                  .execute()
                  .await(30, TimeUnit.SECONDS)
                  .iterator()
                  .next()
                  .getInteger(0))
          .isEqualTo(42);
      pool.close().await(30, TimeUnit.SECONDS);
      assertThat(survivor.awaitResult(120).getLong("otherErrors"))
          .as("survivor's queries")
          .isZero();
      survivor.sendStop();
      assertThat(survivor.awaitExit(60)).isTrue();
    } finally {
      budget.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void gracefulStopGivesPermitsBackAtOnce() throws Exception {
    EmbeddedDatabase db = SharedServices.database();
    TestCluster cluster = new TestCluster(0);
    Vertx vertx = cluster.startMember();
    ConnectionBudget budget =
        ConnectionBudget.start(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS);
    try (ChildNode node = new ChildNode(cluster.env(db), "hold", "2", "2", "1", "0")) {
      node.awaitReady();
      assertThat(available(budget)).isEqualTo(12);
      node.awaitResult(60);
      node.sendStop();
      assertThat(node.awaitExit(60)).isTrue();
      long exitedAt = System.nanoTime();
      boolean back = holdsWithin(Duration.ofSeconds(5), () -> available(budget) == 16);
      double seconds = (System.nanoTime() - exitedAt) / 1e9;
      assertThat(back).as("permits back after a graceful stop").isTrue();
      assertThat(seconds).as("at once, not after the session TTL").isLessThan(3.0);
      assertThat(db.countAppConnections()).isZero();
    } finally {
      budget.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }
}
