package dev.killboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.cp.CPSubsystemConfig;
import com.hazelcast.internal.config.ConfigValidator;
import dev.killboard.config.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HazelcastConfigsTest {

  private final ClusterSettings settings = settings(0, 10, 2);

  private static ClusterSettings settings(int cpMembers, int sessionTtl, int heartbeat) {
    return new ClusterSettings(
        "kb-unit",
        List.of("127.0.0.1:5801", "127.0.0.1:5802"),
        "127.0.0.1",
        5801,
        cpMembers,
        sessionTtl,
        heartbeat);
  }

  @Test
  void joinsOnlyOverTcpIpWithTheConfiguredMembers() {
    Config config = HazelcastConfigs.build(settings);
    assertThat(config.getClusterName()).isEqualTo("kb-unit");
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers())
        .containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isTrue();
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.1");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
  }

  @Test
  void startsFastQuietlyAndLeavesShutdownToVertx() {
    Config config = HazelcastConfigs.build(settings);
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("1");
    assertThat(config.getProperty("hazelcast.max.wait.seconds.before.join")).isEqualTo("3");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
    assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.graceful.shutdown.max.wait")).isEqualTo("30");
  }

  @Test
  void declaresTheStructuresVertxHazelcastNeeds() {
    Config config = HazelcastConfigs.build(settings);
    MultiMapConfig subs = config.getMultiMapConfigs().get("__vertx.subs");
    assertThat(subs).isNotNull();
    assertThat(subs.getBackupCount()).isEqualTo(1);
    assertThat(subs.getValueCollectionType()).isEqualTo(MultiMapConfig.ValueCollectionType.SET);
    assertThat(config.getMapConfigs().get("__vertx.haInfo").getBackupCount()).isEqualTo(1);
    assertThat(config.getMapConfigs().get("__vertx.nodeInfo").getBackupCount()).isEqualTo(1);
  }

  @Test
  void unsafeModeHasNoCpMembersButShortSessions() {
    CPSubsystemConfig cp = HazelcastConfigs.build(settings).getCPSubsystemConfig();
    assertThat(cp.getCPMemberCount()).isZero();
    assertThat(cp.getSessionTimeToLiveSeconds()).isEqualTo(10);
    assertThat(cp.getSessionHeartbeatIntervalSeconds()).isEqualTo(2);
    ConfigValidator.checkCPSubsystemConfig(cp);
  }

  @Test
  void cpModeUsesOddGroupsFastLeaderFailoverAndPromotion() {
    int[][] countToGroup = {{3, 3}, {4, 3}, {5, 5}, {6, 5}, {9, 5}};
    for (int[] pair : countToGroup) {
      Config config = HazelcastConfigs.build(settings(pair[0], 12, 3));
      CPSubsystemConfig cp = config.getCPSubsystemConfig();
      assertThat(cp.getCPMemberCount()).isEqualTo(pair[0]);
      assertThat(cp.getGroupSize()).as("group size for %d CP members", pair[0]).isEqualTo(pair[1]);
      assertThat(cp.getSessionTimeToLiveSeconds()).isEqualTo(12);
      assertThat(cp.getSessionHeartbeatIntervalSeconds()).isEqualTo(3);
      assertThat(cp.getMissingCPMemberAutoRemovalSeconds()).isEqualTo(30);
      assertThat(cp.getRaftAlgorithmConfig().getLeaderHeartbeatPeriodInMillis()).isEqualTo(500);
      assertThat(cp.getRaftAlgorithmConfig().getLeaderElectionTimeoutInMillis()).isEqualTo(1000);
      assertThat(cp.getRaftAlgorithmConfig().getMaxMissedLeaderHeartbeatCount()).isEqualTo(5);
      assertThat(config.getListenerConfigs())
          .anySatisfy(l -> assertThat(l.getImplementation()).isInstanceOf(CpMemberPromotion.class));
      // Hazelcast's own start-up validation of the CP section.
      ConfigValidator.checkCPSubsystemConfig(cp);
    }
  }

  @Test
  void autoRemovalNeverPrecedesTheSessionTtl() {
    CPSubsystemConfig cp = HazelcastConfigs.build(settings(3, 45, 2)).getCPSubsystemConfig();
    assertThat(cp.getMissingCPMemberAutoRemovalSeconds()).isEqualTo(45);
    ConfigValidator.checkCPSubsystemConfig(cp);
  }

  @Test
  void invalidSettingsBuildNothing() {
    assertThatThrownBy(() -> HazelcastConfigs.build(settings(2, 10, 2)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_CP_MEMBERS=2");
  }

  @Test
  void eachBuildIsAFreshConfig() {
    assertThat(HazelcastConfigs.build(settings)).isNotSameAs(HazelcastConfigs.build(settings));
  }
}
