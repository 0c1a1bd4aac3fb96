package dev.killboard.cluster;

import static dev.killboard.testing.Await.holdsWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.CPMember;
import com.hazelcast.cp.ISemaphore;
import com.hazelcast.cp.internal.RaftService;
import com.hazelcast.cp.internal.datastructures.semaphore.proxy.SessionAwareSemaphoreProxy;
import com.hazelcast.cp.internal.raft.impl.RaftNode;
import com.hazelcast.cp.session.CPSession;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three in-process members with {@code cpMemberCount=3}: a real Raft CP Subsystem. The later tests
 * change the membership (a rolling restart, then a crash), so they run in order on one cluster to
 * keep the build fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ClusterTest
class CpModeTest {

  private static final String DEFAULT_GROUP = "default";

  private final String clusterName = TestClusters.randomClusterName();
  private final List<Integer> ports = TestClusters.freePorts(5);
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<HazelcastInstance> members = new ArrayList<>();

  @BeforeAll
  void startCluster() throws Exception {
    List<Future<Vertx>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starting.add(ClusteredVertx.start(settings(i), new VertxOptions()));
    }
    Future.all(starting).await(90, TimeUnit.SECONDS);
    for (Future<Vertx> f : starting) {
      vertxes.add(f.result());
      members.add(ClusteredVertx.hazelcast(f.result()));
    }
    assertThat(
            members
                .get(0)
                .getCPSubsystem()
                .getCPSubsystemManagementService()
                .awaitUntilDiscoveryCompleted(60, TimeUnit.SECONDS))
        .as("CP discovery completed")
        .isTrue();
  }

  @AfterAll
  void stopCluster() throws Exception {
    // Terminate first: a graceful CP leave needs a Raft majority, which the crash test has taken
    // away.
    members.forEach(hz -> hz.getLifecycleService().terminate());
    for (Vertx v : vertxes) {
      v.close().await(30, TimeUnit.SECONDS);
    }
  }

  private ClusterSettings settings(int index) {
    return TestClusters.member(clusterName, ports, index, 3);
  }

  @Test
  @Order(1)
  void threeMembersFormACpSubsystemOfThree() throws Exception {
    Collection<CPMember> cpMembers = cpMembers(members.get(0));
    assertThat(cpMembers).hasSize(3);
    Set<UUID> local =
        members.stream()
            .map(hz -> hz.getCPSubsystem().getLocalCPMember())
            .map(m -> m == null ? null : m.getUuid())
            .collect(Collectors.toSet());
    assertThat(local)
        .doesNotContainNull()
        .isEqualTo(cpMembers.stream().map(CPMember::getUuid).collect(Collectors.toSet()));
    for (HazelcastInstance hz : members) {
      assertThat(hz.getCluster().getMembers()).hasSize(3);
      assertThat(hz.getConfig().getClusterName()).isEqualTo(clusterName);
    }
  }

  @Test
  @Order(2)
  void sessionAwareRaftSemaphoreIsSharedAcrossMembers() throws Exception {
    String name = "permits-" + UUID.randomUUID();
    ISemaphore onFirst = members.get(0).getCPSubsystem().getSemaphore(name);
    ISemaphore onSecond = members.get(1).getCPSubsystem().getSemaphore(name);
    ISemaphore onThird = members.get(2).getCPSubsystem().getSemaphore(name);
    // Hazelcast 5.5+ open source would throw here; a jdk-compatible config would give the
    // sessionless proxy.
    assertThat(onFirst).isInstanceOf(SessionAwareSemaphoreProxy.class);
    assertThat(((SessionAwareSemaphoreProxy) onFirst).getGroupId().getName())
        .isEqualTo(DEFAULT_GROUP);
    CPGroup group =
        members
            .get(0)
            .getCPSubsystem()
            .getCPSubsystemManagementService()
            .getCPGroup(DEFAULT_GROUP)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(group.members()).hasSize(3);

    assertThat(onFirst.init(5)).isTrue();
    onSecond.acquire(2);
    try {
      assertThat(onThird.availablePermits()).isEqualTo(3);
      assertThat(onFirst.availablePermits()).isEqualTo(3);
      assertThat(onThird.tryAcquire(4)).as("only 3 permits are left cluster-wide").isFalse();
      Collection<CPSession> sessions =
          members
              .get(0)
              .getCPSubsystem()
              .getCPSessionManagementService()
              .getAllSessions(DEFAULT_GROUP)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertThat(sessions)
          .extracting(CPSession::endpoint)
          .contains(members.get(1).getCluster().getLocalMember().getAddress());
    } finally {
      onSecond.release(2);
    }
    assertThat(onThird.availablePermits()).isEqualTo(5);
  }

  @Test
  @Order(2)
  void leaderHintsPointCpCallsAtTheLeaderTheRaftNodesKnow() throws Exception {
    HazelcastInstance hz = members.get(0);
    hz.getCPSubsystem().getSemaphore("hints-" + UUID.randomUUID()).init(1);
    assertThat(holdsWithin(Duration.ofSeconds(30), () -> raftGroupsSettled(members))).isTrue();
    RaftService raft =
        ((HazelcastInstanceProxy) hz)
            .getOriginal()
            .node
            .getNodeEngine()
            .getService(RaftService.SERVICE_NAME);
    CPGroup group =
        hz.getCPSubsystem()
            .getCPSubsystemManagementService()
            .getCPGroup(DEFAULT_GROUP)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    UUID leader = raft.getRaftNode(group.id()).getLeader().getUuid();
    var context = raft.getInvocationManager().getRaftInvocationContext();
    var known =
        context.getClass().getDeclaredMethod("getKnownLeader", com.hazelcast.cp.CPGroupId.class);
    var setKnown =
        context
            .getClass()
            .getDeclaredMethod("setKnownLeader", com.hazelcast.cp.CPGroupId.class, CPMember.class);
    known.setAccessible(true);
    setKnown.setAccessible(true);
    RaftLeaderHints hints = RaftLeaderHints.of(hz);
    hints.refresh();
    assertThat(((CPMember) known.invoke(context, group.id())).getUuid()).isEqualTo(leader);
    assertThat(hints.refresh()).as("nothing to change while calls go to the leader").isZero();
    // What a leader cut off by a partition leaves behind: calls aimed at a member that is not the
    // leader (Hazelcast would keep it until a call is answered or the member leaves the cluster).
    CPMember stale =
        cpMembers(hz).stream().filter(m -> !m.getUuid().equals(leader)).findFirst().orElseThrow();
    setKnown.invoke(context, group.id(), stale);
    assertThat(hints.refresh()).as("groups whose calls were redirected").isPositive();
    assertThat(((CPMember) known.invoke(context, group.id())).getUuid()).isEqualTo(leader);
    ISemaphore semaphore = hz.getCPSubsystem().getSemaphore("hints-" + UUID.randomUUID());
    assertThat(semaphore.init(2)).isTrue();
    assertThat(semaphore.tryAcquire(1, 5, TimeUnit.SECONDS)).isTrue();
    semaphore.release();
  }

  @Test
  @Order(3)
  void aRollingRestartKeepsThreeCpMembers() throws Exception {
    HazelcastInstance spare = startMember(3);
    assertThat(spare.getCPSubsystem().getLocalCPMember())
        .as("three CP members exist already")
        .isNull();
    assertThat(cpMembers(spare)).hasSize(3);

    // A graceful stop removes the member from the CP Subsystem; the running plain member takes its
    // place.
    stopGracefully(0);
    assertThat(
            holdsWithin(
                Duration.ofSeconds(30), () -> spare.getCPSubsystem().getLocalCPMember() != null))
        .as("the spare member promoted itself when a CP member left")
        .isTrue();
    assertThat(holdsWithin(Duration.ofSeconds(30), () -> defaultGroupSize(spare) == 3))
        .as("the promoted member joined the default CP group")
        .isTrue();

    // Next process of the rolling restart: stopped first, then its replacement starts and promotes
    // itself.
    stopGracefully(0);
    assertThat(cpMembers(spare)).hasSize(2);
    HazelcastInstance restarted = startMember(4);
    assertThat(
            holdsWithin(
                Duration.ofSeconds(30),
                () -> restarted.getCPSubsystem().getLocalCPMember() != null))
        .as("a member starting while a CP member is missing promoted itself")
        .isTrue();
    assertThat(cpMembers(restarted)).hasSize(3);
    assertThat(holdsWithin(Duration.ofSeconds(30), () -> defaultGroupSize(restarted) == 3))
        .isTrue();
    // The promoted members must have their Raft nodes running before the crash test takes one
    // member away.
    assertThat(holdsWithin(Duration.ofSeconds(30), () -> raftGroupsSettled(members)))
        .as("every Raft node knows its leader")
        .isTrue();
  }

  private HazelcastInstance startMember(int index) throws Exception {
    Vertx vertx =
        ClusteredVertx.start(settings(index), new VertxOptions()).await(60, TimeUnit.SECONDS);
    vertxes.add(vertx);
    HazelcastInstance hazelcast = ClusteredVertx.hazelcast(vertx);
    members.add(hazelcast);
    return hazelcast;
  }

  private void stopGracefully(int index) throws Exception {
    HazelcastInstance leaving = members.remove(index);
    vertxes.remove(index).close().await(60, TimeUnit.SECONDS);
    assertThat(leaving.getLifecycleService().isRunning()).isFalse();
  }

  @Test
  @Order(4)
  void permitsOfATerminatedMemberComeBackAfterTheSessionTtl() throws Exception {
    ClusterSettings s = settings(0);
    String name = "crash-" + UUID.randomUUID();
    HazelcastInstance holder = members.get(0);
    HazelcastInstance observer = members.get(1);
    ISemaphore observed = observer.getCPSubsystem().getSemaphore(name);
    assertThat(observed.init(4)).isTrue();
    holder.getCPSubsystem().getSemaphore(name).acquire(3);
    assertThat(observed.availablePermits()).isEqualTo(1);

    long crashedAt = System.nanoTime();
    holder.getLifecycleService().terminate();
    boolean released =
        holdsWithin(Duration.ofSeconds(s.sessionTtlSeconds() + 20), () -> permits(observed) == 4);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - crashedAt);

    assertThat(released).as("permits released after the holder's CP session expired").isTrue();
    assertThat(seconds)
        .as("released within session TTL + 5 s")
        .isLessThanOrEqualTo(s.sessionTtlSeconds() + 5L);
    // Earlier would mean something other than session expiry freed them (the last heartbeat was <=
    // 2 s before).
    assertThat(seconds).isGreaterThanOrEqualTo(s.sessionTtlSeconds() - s.heartbeatSeconds() - 1L);
  }

  /**
   * Test-only look at Hazelcast internals: every member runs a Raft node, with a leader, for each
   * 3-member group.
   */
  private static boolean raftGroupsSettled(List<HazelcastInstance> cpMembers) {
    for (HazelcastInstance hz : cpMembers) {
      RaftService raft =
          ((HazelcastInstanceProxy) hz)
              .getOriginal()
              .node
              .getNodeEngine()
              .getService(RaftService.SERVICE_NAME);
      Collection<RaftNode> nodes = raft.getAllRaftNodes();
      if (nodes.size() < 2) { // METADATA and default
        return false;
      }
      for (RaftNode node : nodes) {
        if (node.getLeader() == null || node.getCommittedMembers().size() != 3) {
          return false;
        }
      }
    }
    return true;
  }

  private static Collection<CPMember> cpMembers(HazelcastInstance hz) throws Exception {
    return hz.getCPSubsystem()
        .getCPSubsystemManagementService()
        .getCPMembers()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /** Available permits, or -1 while the CP group fails over (calls may fail then). */
  private static int permits(ISemaphore semaphore) {
    try {
      return semaphore.availablePermits();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static int defaultGroupSize(HazelcastInstance hz) {
    try {
      return hz.getCPSubsystem()
          .getCPSubsystemManagementService()
          .getCPGroup(DEFAULT_GROUP)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .members()
          .size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    }
  }
}
