package dev.killboard.cluster;

import static dev.killboard.cluster.ClusterSettings.ENV_CLUSTER_NAME;
import static dev.killboard.cluster.ClusterSettings.ENV_CP_MEMBERS;
import static dev.killboard.cluster.ClusterSettings.ENV_MEMBERS;
import static dev.killboard.cluster.ClusterSettings.ENV_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  @Test
  void defaultsAreLoopbackUnsafeModeWithShortSessions() {
    ClusterSettings d = Env.read(Map.of(), ClusterSettings::from);
    assertThat(d)
        .isEqualTo(
            new ClusterSettings("killboard", List.of("127.0.0.1"), "127.0.0.1", 5701, 0, 10, 2));
    assertThat(d.clusterName()).isEqualTo("killboard");
    assertThat(d.members()).containsExactly("127.0.0.1");
    assertThat(d.host()).isEqualTo("127.0.0.1");
    assertThat(d.port()).isEqualTo(5701);
    assertThat(d.cpMemberCount()).isZero();
    assertThat(d.unsafeMode()).isTrue();
    assertThat(d.sessionTtlSeconds()).isEqualTo(10);
    assertThat(d.heartbeatSeconds()).isEqualTo(2);
    assertThat(d.validate()).isSameAs(d);
  }

  @Test
  void fromEnvReadsEveryVariable() {
    ClusterSettings s =
        Env.read(
            Map.of(
                ENV_CLUSTER_NAME,
                "prod-eu",
                ENV_MEMBERS,
                " 10.0.0.5 , 10.0.0.6:5702,,[fd00::7]:5701 ",
                "KILLBOARD_CLUSTER_HOST",
                "10.0.0.5",
                ENV_PORT,
                "5711",
                ENV_CP_MEMBERS,
                "3",
                "KILLBOARD_CP_SESSION_TTL",
                "15s",
                "KILLBOARD_CP_HEARTBEAT",
                " PT3S "),
            ClusterSettings::from);
    assertThat(s.clusterName()).isEqualTo("prod-eu");
    assertThat(s.members()).containsExactly("10.0.0.5", "10.0.0.6:5702", "[fd00::7]:5701");
    assertThat(s.host()).isEqualTo("10.0.0.5");
    assertThat(s.port()).isEqualTo(5711);
    assertThat(s.cpMemberCount()).isEqualTo(3);
    assertThat(s.unsafeMode()).isFalse();
    assertThat(s.sessionTtlSeconds()).isEqualTo(15);
    assertThat(s.heartbeatSeconds()).isEqualTo(3);
    assertThat(s.validate()).isSameAs(s);
  }

  @Test
  void blankVariablesKeepTheirDefaults() {
    Map<String, String> env = new HashMap<>();
    env.put(ENV_CLUSTER_NAME, "");
    env.put(ENV_PORT, "   ");
    env.put(ENV_CP_MEMBERS, "");
    assertThat(Env.read(env, ClusterSettings::from))
        .isEqualTo(Env.read(Map.of(), ClusterSettings::from));
  }

  @Test
  void aNumberThatDoesNotParseNamesTheVariable() {
    assertThatThrownBy(() -> Env.read(Map.of(ENV_PORT, "57o1"), ClusterSettings::from))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_CLUSTER_PORT='57o1' is not a whole number")
        .hasMessageContaining("from 1 to 65535");
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_CP_SESSION_TTL", "10 seconds"), ClusterSettings::from))
        .hasMessageContaining("KILLBOARD_CP_SESSION_TTL='10 seconds' is not a duration");
    assertThat(
            Env.read(Map.of("KILLBOARD_CP_SESSION_TTL_SECONDS", "12"), ClusterSettings::from)
                .sessionTtlSeconds())
        .as("the old variable still works")
        .isEqualTo(12);
  }

  @Test
  void cpMemberCountsOfOneTwoOrNegativeAreRejected() {
    for (int bad : new int[] {1, 2, -1}) {
      assertThatThrownBy(() -> cp(bad, 10, 2).validate())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("KILLBOARD_CP_MEMBERS=" + bad + " is invalid")
          .hasMessageContaining("at least 3 CP members")
          .hasMessageContaining("Set KILLBOARD_CP_MEMBERS=3")
          .hasMessageContaining("KILLBOARD_CP_MEMBERS=0");
    }
    for (int good : new int[] {0, 3, 4, 5, 7}) {
      assertThat(cp(good, 10, 2).validate().cpMemberCount()).isEqualTo(good);
    }
  }

  @Test
  void cpModeSessionsOutlastARaftLeaderElection() {
    assertThat(cp(3, 10, 2).validate().sessionTtlSeconds()).isEqualTo(10);
    assertThatThrownBy(() -> cp(3, 8, 2).validate())
        .hasMessageStartingWith(
            "KILLBOARD_CP_SESSION_TTL=8s is too short for CP mode with KILLBOARD_CP_HEARTBEAT=2s: when a CP"
                + " group loses its Raft leader, electing a new one takes up to 6.5 s")
        .hasMessageEndingWith(
            "Set KILLBOARD_CP_SESSION_TTL to at least 10s or lower KILLBOARD_CP_HEARTBEAT.");
    assertThat(cp(3, 9, 1).validate()).isNotNull();
    // Unsafe mode has no Raft leader to lose.
    assertThat(cp(0, 5, 2).validate()).isNotNull();
  }

  @Test
  void sessionTtlMustExceedTheHeartbeat() {
    assertThatThrownBy(() -> cp(0, 2, 2).validate())
        .hasMessage(
            "KILLBOARD_CP_SESSION_TTL=2s must be greater than KILLBOARD_CP_HEARTBEAT=2s: a session"
                + " would expire between two heartbeats. Set KILLBOARD_CP_SESSION_TTL to at least 10s or lower"
                + " KILLBOARD_CP_HEARTBEAT.");
    assertThatThrownBy(() -> cp(0, 10, 0).validate())
        .hasMessageStartingWith("KILLBOARD_CP_HEARTBEAT=0s is invalid");
    assertThatThrownBy(() -> cp(0, -5, 2).validate())
        .hasMessageStartingWith("KILLBOARD_CP_SESSION_TTL=-5s is invalid");
    assertThat(cp(0, 3, 1).validate()).isNotNull();
  }

  @Test
  void portNameHostAndMembersAreChecked() {
    assertThatThrownBy(() -> network("killboard", List.of("127.0.0.1"), "127.0.0.1", 0).validate())
        .hasMessageStartingWith(
            "KILLBOARD_CLUSTER_PORT=0 is invalid: set a port between 1 and 65535");
    assertThatThrownBy(
            () -> network("killboard", List.of("127.0.0.1"), "127.0.0.1", 70000).validate())
        .hasMessageStartingWith("KILLBOARD_CLUSTER_PORT=70000 is invalid");
    assertThatThrownBy(
            () -> network("my cluster", List.of("127.0.0.1"), "127.0.0.1", 5701).validate())
        .hasMessageStartingWith("KILLBOARD_CLUSTER_NAME='my cluster' is invalid");
    assertThatThrownBy(() -> network(null, List.of("127.0.0.1"), "127.0.0.1", 5701).validate())
        .hasMessageStartingWith("KILLBOARD_CLUSTER_NAME=<null> is invalid");
    assertThatThrownBy(() -> network("killboard", List.of("127.0.0.1"), "0.0.0.0", 5701).validate())
        .hasMessageContaining("KILLBOARD_CLUSTER_HOST='0.0.0.0' is a wildcard address");
    assertThatThrownBy(
            () -> network("killboard", List.of("127.0.0.1"), "10.0.0.5:5701", 5701).validate())
        .hasMessageStartingWith("KILLBOARD_CLUSTER_HOST='10.0.0.5:5701' is invalid");
    assertThatThrownBy(() -> members(List.of()).validate())
        .hasMessageStartingWith("KILLBOARD_CLUSTER_MEMBERS is empty");
    assertThatThrownBy(() -> members(List.of("10.0.0.5:abc")).validate())
        .hasMessageStartingWith(
            "KILLBOARD_CLUSTER_MEMBERS entry '10.0.0.5:abc' is invalid: port 'abc' is not a number.");
    assertThatThrownBy(() -> members(List.of("h:0")).validate())
        .hasMessageContaining("port 0 is outside 1-65535");
    assertThatThrownBy(() -> members(List.of("host name")).validate())
        .hasMessageContaining("'host name' is not a host name or IP address");
    assertThatThrownBy(() -> members(List.of("[fd00::1")).validate())
        .hasMessageContaining("no closing ']'");
    assertThat(members(List.of("db-1.internal", "::1", "[::1]:5701")).validate()).isNotNull();
  }

  @Test
  void everyProblemIsListedAtOnce() {
    ClusterSettings bad =
        new ClusterSettings("killboard", List.of("127.0.0.1"), "127.0.0.1", -1, 2, 10, 0);
    assertThatThrownBy(bad::validate)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("Configuration is wrong (3 problems):")
        .hasMessageContaining("KILLBOARD_CLUSTER_PORT=-1")
        .hasMessageContaining("KILLBOARD_CP_MEMBERS=2")
        .hasMessageContaining("KILLBOARD_CP_HEARTBEAT=0s");
  }

  /** The defaults with other CP settings. */
  private static ClusterSettings cp(int cpMembers, int sessionTtl, int heartbeat) {
    return new ClusterSettings(
        "killboard", List.of("127.0.0.1"), "127.0.0.1", 5701, cpMembers, sessionTtl, heartbeat);
  }

  /** The defaults with another name, join list, host or port. */
  private static ClusterSettings network(String name, List<String> members, String host, int port) {
    return new ClusterSettings(name, members, host, port, 0, 10, 2);
  }

  private static ClusterSettings members(List<String> members) {
    return network("killboard", members, "127.0.0.1", 5701);
  }

  @Test
  void configErrorsCarryNoStackTrace() {
    ConfigurationException e = new ConfigurationException("x");
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e).isInstanceOf(RuntimeException.class);
  }
}
