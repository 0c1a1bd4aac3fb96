package dev.killboard.budget;

import static dev.killboard.testing.Await.holdsWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.ISemaphore;
import com.hazelcast.cp.session.CPSession;
import dev.killboard.budget.impl.ClassSemaphores;
import dev.killboard.budget.impl.CpSessions;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.embedded.SharedServices;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pins what the budget relies on in Hazelcast's CP sessions ({@link CpSessions}, the one class
 * reading its internals): a grant reports the session the CP group lists for this member; Hazelcast
 * counts what the session holds; a session the CP group closed stops being current on this member;
 * and a permit of a gone session is never released again. A Hazelcast upgrade that changes any of
 * this fails here.
 */
@ClusterTest
class CpSessionsContractTest {

  @Test
  void grantsNameTheirSessionAndPermitsOfAGoneSessionAreNotReleasedAgain() throws Exception {
    TestCluster cluster = new TestCluster(3);
    try (TestCluster.Members members = cluster.startMembers(3)) {
      Vertx vertx = members.get(0);
      HazelcastInstance hz = ClusteredVertx.hazelcast(vertx);
      BudgetSettings settings = TestCluster.budget(SharedServices.database());
      ClassSemaphores semaphores =
          ClassSemaphores.join(vertx, hz, settings).await(60, TimeUnit.SECONDS);
      ISemaphore worker = semaphores.semaphore("worker");
      CpSessions sessions = CpSessions.of(hz);
      assertThat(sessions.current(worker))
          .as("no session before the first acquire")
          .isEqualTo(CpSessions.NO_SESSION);

      long first =
          semaphores.tryAcquire("worker", Duration.ofSeconds(5)).await(30, TimeUnit.SECONDS);
      long second =
          semaphores.tryAcquire("worker", Duration.ofSeconds(5)).await(30, TimeUnit.SECONDS);
      assertThat(first)
          .isNotEqualTo(CpSessions.NO_SESSION)
          .isEqualTo(second)
          .isEqualTo(sessions.current(worker));
      assertThat(mySession(hz))
          .as("the session the CP group lists for this member")
          .isEqualTo(first);
      assertThat(sessions.localUseCount(worker))
          .as("Hazelcast counts both permits on the session")
          .isEqualTo(2);

      assertThat(semaphores.release("worker", first).await(30, TimeUnit.SECONDS))
          .isEqualTo(ClassSemaphores.Returned.RELEASED);
      assertThat(sessions.localUseCount(worker)).isEqualTo(1);
      assertThat(worker.availablePermits()).isEqualTo(15);

      // The CP group closes the session (what a GC pause past the TTL does): it takes the permit
      // back, and this
      // member's next heartbeat learns the session expired and stops using it.
      hz.getCPSubsystem()
          .getCPSessionManagementService()
          .forceCloseSession(CPGroup.DEFAULT_GROUP_NAME, first)
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      assertThat(worker.availablePermits()).isEqualTo(16);
      assertThat(holdsWithin(Duration.ofSeconds(10), () -> sessions.current(worker) != first))
          .as("the closed session is no longer current")
          .isTrue();

      // A new session holds a new permit; the old permit's release finds its session gone and frees
      // nothing.
      long third =
          semaphores.tryAcquire("worker", Duration.ofSeconds(5)).await(30, TimeUnit.SECONDS);
      assertThat(third).isNotEqualTo(first);
      assertThat(worker.availablePermits()).isEqualTo(15);
      assertThat(semaphores.release("worker", first).await(30, TimeUnit.SECONDS))
          .isEqualTo(ClassSemaphores.Returned.SESSION_GONE);
      assertThat(worker.availablePermits()).as("the successor's permit stays held").isEqualTo(15);
      assertThat(semaphores.release("worker", third).await(30, TimeUnit.SECONDS))
          .isEqualTo(ClassSemaphores.Returned.RELEASED);
      assertThat(worker.availablePermits()).isEqualTo(16);
      semaphores.close();
    }
  }

  private static long mySession(HazelcastInstance hz) throws Exception {
    return hz
        .getCPSubsystem()
        .getCPSessionManagementService()
        .getAllSessions(CPGroup.DEFAULT_GROUP_NAME)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS)
        .stream()
        .filter(s -> s.endpoint().equals(hz.getCluster().getLocalMember().getAddress()))
        .mapToLong(CPSession::id)
        .max()
        .orElseThrow();
  }
}
