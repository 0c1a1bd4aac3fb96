package dev.killboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.cp.CPSubsystemConfig;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.killboard.config.ConfigurationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Hazelcast Config every Killboard member uses. */
public final class HazelcastConfigs {

  /**
   * The structures vertx-hazelcast 5.0.7 expects (its default-cluster.xml): event bus
   * subscriptions, HA and node info.
   */
  static final String VERTX_SUBS = "__vertx.subs";

  static final String VERTX_HA_INFO = "__vertx.haInfo";
  static final String VERTX_NODE_INFO = "__vertx.nodeInfo";

  /**
   * Raft leader heartbeat: a follower that has heard nothing from the leader for 5 of them (2.5 s)
   * elects a new one. Hazelcast's default (5 s × 5 = 25 s) and Killboard's earlier 1 s × 5 took
   * longer than a session TTL of 10 s allows: while a CP group has no leader no session heartbeat
   * lands, and a new leader extends the sessions by one heartbeat interval only, so the majority's
   * own sessions expired when the leader was cut off (found by NetworkPartitionIT).
   */
  static final long RAFT_LEADER_HEARTBEAT_MILLIS = 500;

  static final int RAFT_MAX_MISSED_LEADER_HEARTBEATS = 5;

  /**
   * Raft election round (Hazelcast adds up to 1 s at random; it is also how often a follower checks
   * its leader): Hazelcast's default is 2 s.
   */
  static final long RAFT_LEADER_ELECTION_TIMEOUT_MILLIS = 1000;

  /**
   * The longest a CP group is expected to be without a leader after losing it: the missed leader
   * heartbeats, the follower's next check, and one election round (each check and round up to the
   * election timeout + 1 s).
   */
  public static final long RAFT_FAILOVER_MILLIS =
      RAFT_LEADER_HEARTBEAT_MILLIS * RAFT_MAX_MISSED_LEADER_HEARTBEATS
          + 2 * (RAFT_LEADER_ELECTION_TIMEOUT_MILLIS + 1000);

  /**
   * Member attribute with the process id, so that tools (killboard budget status) can tell which
   * process a member is.
   */
  public static final String PID_ATTRIBUTE = "killboard.pid";

  /**
   * How many ports after the configured one a member tries when it is taken (several JVMs per
   * host).
   */
  static final int PORT_COUNT = 20;

  /**
   * A crashed CP member is dropped from the CP Subsystem after this long, so that a plain member
   * can be promoted in its place ({@link CpMemberPromotion}); Hazelcast's default of 4 hours leaves
   * the groups one failure from losing their majority for that long. Only a partition longer than
   * this costs a member its CP role (it is promoted again).
   */
  static final int MISSING_CP_MEMBER_REMOVAL_SECONDS = 30;

  /**
   * Bounds a graceful shutdown (Hazelcast waits up to 600 s): a CP member that stops after another
   * one crashed cannot get its own removal committed and would otherwise outlive Vert.x's 2-minute
   * shutdown hook.
   */
  static final int GRACEFUL_SHUTDOWN_MAX_WAIT_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastConfigs.class);
  private static final AtomicBoolean UNSAFE_WARNED = new AtomicBoolean();

  private HazelcastConfigs() {}

  /**
   * A fresh Hazelcast member config for the (validated) settings: TCP-IP join only, fast local
   * joins, the {@code __vertx.*} structures, and the CP Subsystem in CP or unsafe mode.
   *
   * @throws ConfigurationException when the settings are invalid
   */
  public static Config build(ClusterSettings s) {
    s.validate();
    Config config = new Config();
    config.setClusterName(s.clusterName());
    config
        .getMemberAttributeConfig()
        .setAttribute(PID_ATTRIBUTE, Long.toString(ProcessHandle.current().pid()));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(s.port()).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(s.members());
    // Bind and announce exactly the configured address; the default binds every interface.
    config.setProperty("hazelcast.local.localAddress", s.host().trim());
    config.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");

    // Hazelcast waits 5 s (up to 20 s) for more joiners by default; local clusters form in about a
    // second.
    config.setProperty(ClusterProperty.WAIT_SECONDS_BEFORE_JOIN.getName(), "1");
    config.setProperty(ClusterProperty.MAX_WAIT_SECONDS_BEFORE_JOIN.getName(), "3");
    config.setProperty(ClusterProperty.PHONE_HOME_ENABLED.getName(), "false");
    config.setProperty(ClusterProperty.LOGGING_TYPE.getName(), "slf4j");
    // Hazelcast's static loggers (used before a member has its config) only read the system
    // property.
    if (System.getProperty(ClusterProperty.LOGGING_TYPE.getName()) == null) {
      System.setProperty(ClusterProperty.LOGGING_TYPE.getName(), "slf4j");
    }
    // Vert.x owns shutdown: its hook leaves the cluster after undeploying verticles (which return
    // their permits).
    config.setProperty(ClusterProperty.SHUTDOWNHOOK_ENABLED.getName(), "false");
    config.setProperty(
        ClusterProperty.GRACEFUL_SHUTDOWN_MAX_WAIT.getName(),
        String.valueOf(GRACEFUL_SHUTDOWN_MAX_WAIT_SECONDS));

    config.addMultiMapConfig(
        new MultiMapConfig(VERTX_SUBS)
            .setBackupCount(1)
            .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig(VERTX_HA_INFO).setBackupCount(1));
    config.addMapConfig(new MapConfig(VERTX_NODE_INFO).setBackupCount(1));

    CPSubsystemConfig cp = config.getCPSubsystemConfig();
    // Sessions exist in unsafe mode too: they are what frees a crashed member's semaphore permits.
    cp.setSessionTimeToLiveSeconds(s.sessionTtlSeconds());
    cp.setSessionHeartbeatIntervalSeconds(s.heartbeatSeconds());
    if (!s.unsafeMode()) {
      cp.setCPMemberCount(s.cpMemberCount());
      cp.setGroupSize(groupSize(s.cpMemberCount()));
      cp.setMissingCPMemberAutoRemovalSeconds(
          Math.max(MISSING_CP_MEMBER_REMOVAL_SECONDS, s.sessionTtlSeconds()));
      cp.getRaftAlgorithmConfig()
          .setLeaderHeartbeatPeriodInMillis(RAFT_LEADER_HEARTBEAT_MILLIS)
          .setMaxMissedLeaderHeartbeatCount(RAFT_MAX_MISSED_LEADER_HEARTBEATS)
          .setLeaderElectionTimeoutInMillis(RAFT_LEADER_ELECTION_TIMEOUT_MILLIS);
      config.addListenerConfig(new ListenerConfig(new CpMemberPromotion(s.cpMemberCount())));
    }

    LOG.info(
        "Hazelcast cluster '{}': join {} over TCP-IP, this member {}:{}+, {}, CP session TTL {} s, heartbeat {} s",
        s.clusterName(),
        s.members(),
        s.host(),
        s.port(),
        s.unsafeMode()
            ? "CP Subsystem in UNSAFE mode"
            : "CP mode with "
                + s.cpMemberCount()
                + " CP members (groups of "
                + groupSize(s.cpMemberCount())
                + ")",
        s.sessionTtlSeconds(),
        s.heartbeatSeconds());
    if (s.unsafeMode()) {
      warnUnsafeOnce();
    }
    return config;
  }

  /**
   * Raft groups need an odd size of at least 3; 5 tolerates two lost members, larger groups only
   * slow commits.
   */
  static int groupSize(int cpMemberCount) {
    return cpMemberCount >= 5 ? 5 : 3;
  }

  private static void warnUnsafeOnce() {
    if (UNSAFE_WARNED.compareAndSet(false, true)) {
      LOG.warn(
          "\n"
              + "*****************************************************************************************\n"
              + "* CLUSTER IN UNSAFE MODE ({}=0): the connection budget's semaphores are NOT Raft-backed.\n"
              + "*  - No split-brain protection: after a network partition each side may hand out the full\n"
              + "*    budget, and PostgreSQL can see more connections than the budget allows.\n"
              + "*  - A permit acknowledged just before a member crash can be lost: the semaphore lives in a\n"
              + "*    partition with one backup, not in a Raft log (and a single member has no copy at all).\n"
              + "* Fine for one- or two-process setups on one host. For production run at least three\n"
              + "* Killboard JVMs with {}=3 on every one of them (see docs/cluster.md).\n"
              + "*****************************************************************************************",
          ClusterSettings.ENV_CP_MEMBERS,
          ClusterSettings.ENV_CP_MEMBERS);
    }
  }
}
