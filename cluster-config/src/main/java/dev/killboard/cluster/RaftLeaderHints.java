package dev.killboard.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroupId;
import com.hazelcast.cp.CPMember;
import com.hazelcast.cp.internal.RaftService;
import com.hazelcast.cp.internal.raft.impl.RaftNode;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.spi.impl.operationservice.impl.RaftInvocationContext;
import java.lang.reflect.Method;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points this member's CP calls at the Raft leader its own Raft nodes know.
 *
 * <p>Hazelcast 5.3.8 sends every CP call of a member to the leader it last heard from (its
 * invocation context's "known leader") and changes that only when a call is answered by another
 * leader, or fails because the target left the cluster. A leader that is cut off (a network
 * partition: packets dropped, the member still in the cluster until its 60 s heartbeat timeout) is
 * never answered and never leaves: every CP call of the majority — session heartbeats, acquires,
 * releases — went to it and waited for Hazelcast's 60 s call timeout, although the majority had
 * elected a new leader within seconds; its sessions expired and its pools stalled for the whole cut
 * ({@code NetworkPartitionIT}, when the cut host led the CP group). This member's Raft node of each
 * group knows the new leader as soon as it is elected, so {@link #refresh()} hands it on.
 *
 * <p>The only class that touches Hazelcast's invocation internals ({@code RaftInvocationContext}'s
 * package-private known-leader methods), pinned by {@code CpModeTest}.
 */
public final class RaftLeaderHints {
  private static final Logger LOG = LoggerFactory.getLogger(RaftLeaderHints.class);

  private final RaftService raft;
  private final RaftInvocationContext context;
  private final Method knownLeader;
  private final Method setKnownLeader;

  private RaftLeaderHints(RaftService raft) throws ReflectiveOperationException {
    this.raft = raft;
    this.context = raft.getInvocationManager().getRaftInvocationContext();
    this.knownLeader =
        RaftInvocationContext.class.getDeclaredMethod("getKnownLeader", CPGroupId.class);
    this.setKnownLeader =
        RaftInvocationContext.class.getDeclaredMethod(
            "setKnownLeader", CPGroupId.class, CPMember.class);
    knownLeader.setAccessible(true);
    setKnownLeader.setAccessible(true);
  }

  /** The hints of a member instance (as returned by Vert.x's Hazelcast cluster manager). */
  public static RaftLeaderHints of(HazelcastInstance hz) {
    if (!(hz instanceof HazelcastInstanceProxy proxy)) {
      throw new IllegalStateException(
          "Raft leader hints need a Hazelcast member instance, not " + hz.getClass().getName());
    }
    RaftService raft =
        proxy.getOriginal().node.getNodeEngine().getService(RaftService.SERVICE_NAME);
    try {
      return new RaftLeaderHints(raft);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "This Hazelcast version has no RaftInvocationContext known-leader methods (written for 5.3.8)",
          e);
    }
  }

  /**
   * Non-blocking (local reads only): for each CP group this member runs a Raft node of, makes the
   * leader that node knows the target of this member's next CP calls. Returns how many groups
   * changed target.
   */
  public int refresh() {
    int changed = 0;
    for (RaftNode node : raft.getAllRaftNodes()) {
      var leader = node.getLeader();
      if (leader == null) {
        continue; // an election is under way: the calls find the leader by themselves afterwards
      }
      CPMember member = context.getCPMember(leader.getUuid());
      if (member == null) {
        continue;
      }
      try {
        CPMember known = (CPMember) knownLeader.invoke(context, node.getGroupId());
        if (!Objects.equals(known == null ? null : known.getUuid(), member.getUuid())) {
          setKnownLeader.invoke(context, node.getGroupId(), member);
          changed++;
          if (known != null) {
            LOG.info(
                "CP group {} has a new Raft leader {} (calls went to {}): this member's CP calls go there now",
                node.getGroupId().getName(),
                member.getAddress(),
                known.getAddress());
          }
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "Could not set the Raft leader of this member's CP calls", e);
      }
    }
    return changed;
  }
}
