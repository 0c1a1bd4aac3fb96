package dev.killboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.ISemaphore;
import com.hazelcast.cp.internal.datastructures.semaphore.proxy.SessionAwareSemaphoreProxy;
import dev.killboard.config.ConfigurationException;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@ClusterTest
class UnsafeModeTest {

  @Test
  void oneMemberInUnsafeModeGivesAWorkingSessionAwareSemaphore() throws Exception {
    ClusterSettings settings =
        TestClusters.member(TestClusters.randomClusterName(), TestClusters.freePorts(1), 0, 0);
    assertThat(settings.unsafeMode()).isTrue();
    Vertx vertx = ClusteredVertx.start(settings, new VertxOptions()).await(60, TimeUnit.SECONDS);
    try {
      HazelcastInstance hazelcast = ClusteredVertx.hazelcast(vertx);
      assertThat(hazelcast.getConfig().getClusterName()).isEqualTo(settings.clusterName());
      assertThatThrownBy(() -> hazelcast.getCPSubsystem().getLocalCPMember())
          .as("no Raft in unsafe mode")
          .hasMessageContaining("CP Subsystem is not enabled");

      ISemaphore semaphore = hazelcast.getCPSubsystem().getSemaphore("unsafe-" + UUID.randomUUID());
      assertThat(semaphore).isInstanceOf(SessionAwareSemaphoreProxy.class);
      assertThat(semaphore.init(3)).isTrue();
      semaphore.acquire(2);
      assertThat(semaphore.availablePermits()).isEqualTo(1);
      assertThat(semaphore.tryAcquire(2)).isFalse();
      semaphore.release(2);
      assertThat(semaphore.availablePermits()).isEqualTo(3);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void invalidSettingsFailTheStartFuture() {
    ClusterSettings bad =
        new ClusterSettings(
            TestClusters.randomClusterName(), List.of(), "127.0.0.1", 5701, 0, 10, 2);
    assertThatThrownBy(
            () -> ClusteredVertx.start(bad, new VertxOptions()).await(10, TimeUnit.SECONDS))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("KILLBOARD_CLUSTER_MEMBERS is empty");
  }

  @Test
  void aNonClusteredVertxHasNoHazelcast() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> ClusteredVertx.hazelcast(vertx))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not clustered");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
