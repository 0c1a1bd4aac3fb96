package dev.killboard.budget;

import static dev.killboard.testing.Await.holdsWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.ISemaphore;
import com.hazelcast.cp.session.CPSession;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CP mode with 3 CP members: the semaphore is a real CP one, and a member whose session expired
 * fences itself.
 */
@ClusterTest
class SessionFenceTest {

  @Test
  void theSemaphoreIsARealSessionAwareCpOneAndALostSessionClosesItsConnections() throws Exception {
    EmbeddedDatabase db = SharedServices.database();
    TestCluster cluster = new TestCluster(3);
    try (TestCluster.Members members = cluster.startMembers(3)) {
      Vertx vertx = members.get(0);
      assertThat(ClusteredVertxAccess.cpMembers(vertx)).isEqualTo(3);
      ConnectionBudget budget =
          ConnectionBudget.start(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS);
      HazelcastInstance hz = ClusteredVertx.hazelcast(vertx);
      ISemaphore semaphore = hz.getCPSubsystem().getSemaphore("killboard.budget.worker");
      assertThat(semaphore.getClass().getSimpleName())
          .as("Raft-backed, session-aware proxy")
          .isEqualTo("SessionAwareSemaphoreProxy");

      BudgetedPool pool =
          budget.openPool(PoolProfile.worker(), "fenced").await(30, TimeUnit.SECONDS);
      SqlConnection a = pool.pool().getConnection().await(10, TimeUnit.SECONDS);
      SqlConnection b = pool.pool().getConnection().await(10, TimeUnit.SECONDS);
      assertThat(db.countAppConnections()).isEqualTo(2);
      Collection<CPSession> sessions =
          hz.getCPSubsystem()
              .getCPSessionManagementService()
              .getAllSessions(CPGroup.DEFAULT_GROUP_NAME)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      CPSession mine =
          sessions.stream()
              .filter(s -> s.endpoint().equals(hz.getCluster().getLocalMember().getAddress()))
              .findFirst()
              .orElseThrow();
      assertThat(semaphore.availablePermits()).isEqualTo(14);

      // What a long GC pause or a partition does: the CP group closes the session and takes the
      // permits back.
      hz.getCPSubsystem()
          .getCPSessionManagementService()
          .forceCloseSession(CPGroup.DEFAULT_GROUP_NAME, mine.id())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      assertThat(semaphore.availablePermits()).isEqualTo(16);

      assertThat(holdsWithin(Duration.ofSeconds(10), () -> db.countAppConnections() == 0))
          .as("the member closed the connections whose permits it lost")
          .isTrue();
      assertThat(pool.permitsHeld()).isZero();
      a.close();
      b.close();
      // New work takes new permits, and nothing was released twice.
      pool.pool().query("SELECT 1").execute().await(30, TimeUnit.SECONDS);
      assertThat(semaphore.availablePermits()).isEqualTo(15);
      pool.close().await(30, TimeUnit.SECONDS);
      assertThat(semaphore.availablePermits()).isEqualTo(16);
      budget.close().await(30, TimeUnit.SECONDS);
    }
  }
}
