package dev.killboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.cp.CPMember;
import com.hazelcast.cp.CPSubsystemManagementService;
import com.hazelcast.cp.event.CPMembershipEvent;
import com.hazelcast.cp.event.CPMembershipListener;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the CP Subsystem at its configured number of CP members: a member that is not a CP member
 * promotes itself when it finds fewer, at start and whenever a CP member is removed.
 *
 * <p>Hazelcast never does this by itself: a CP member that stops is removed from the CP Subsystem
 * and comes back as a plain (AP) member, so a rolling restart of three CP members would otherwise
 * leave none and lose every semaphore.
 *
 * <p>Promotions are serialised: only the oldest plain member promotes itself, the others check
 * again later. Hazelcast's Metadata group accepts one CP membership change at a time: an {@code
 * AddCPMemberOp} committed while another change (the removal of a crashed member, or another
 * promotion) still rebalances the CP groups fails with "Cannot rebalance CP groups because there is
 * ongoing MembershipChangeSchedule" (logged as a warning by every CP member applying it, {@code
 * MetadataRaftGroupManager.addMember}, Hazelcast 5.3.8) and is not retried by Hazelcast. A
 * promotion that fails that way, or a candidate that does not promote, is therefore retried here
 * every {@value #RETRY_MILLIS} ms until the CP Subsystem has its members again (docs/cluster.md).
 */
final class CpMemberPromotion
    implements LifecycleListener, CPMembershipListener, HazelcastInstanceAware {

  private static final Logger LOG = LoggerFactory.getLogger(CpMemberPromotion.class);
  private static final long DISCOVERY_WARN_SECONDS = 30;

  /**
   * How soon a member that could not (or was not to) promote itself checks the CP member count
   * again.
   */
  static final long RETRY_MILLIS = 2_000;

  private final int cpMemberCount;
  private final AtomicBoolean checking = new AtomicBoolean();
  // Set when a check is asked for while one runs: that one may have read the member list before the
  // change.
  private final AtomicBoolean again = new AtomicBoolean();
  private volatile HazelcastInstance hazelcast;
  private volatile boolean running;

  CpMemberPromotion(int cpMemberCount) {
    this.cpMemberCount = cpMemberCount;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
    this.hazelcast = hazelcastInstance;
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    switch (event.getState()) {
      case STARTED:
        running = true;
        // A joiner learns about CP discovery after it starts: wait for it off Hazelcast's and
        // Vert.x's threads.
        Thread waiter = new Thread(this::checkAfterDiscovery, "killboard-cp-member-check");
        waiter.setDaemon(true);
        waiter.start();
        break;
      case SHUTTING_DOWN:
      case SHUTDOWN:
        running = false;
        break;
      default:
        break;
    }
  }

  @Override
  public void memberAdded(CPMembershipEvent event) {
    // Nothing to do: the CP Subsystem only gets bigger.
  }

  @Override
  public void memberRemoved(CPMembershipEvent event) {
    check();
  }

  private void checkAfterDiscovery() {
    try {
      boolean warned = false;
      while (running) {
        HazelcastInstance hz = hazelcast;
        if (hz.getCPSubsystem()
            .getCPSubsystemManagementService()
            .awaitUntilDiscoveryCompleted(DISCOVERY_WARN_SECONDS, TimeUnit.SECONDS)) {
          if (warned) {
            LOG.info("CP Subsystem discovery completed: the CP Subsystem is available");
          }
          check();
          return;
        }
        if (!warned && running) {
          warned = true;
          // Until then every CP call (the connection budget's semaphores) waits: say why.
          LOG.warn(
              "The CP Subsystem is not available after {} s: it starts when {} members have joined "
                  + "(KILLBOARD_CP_MEMBERS={}), the cluster has {}. Start more Killboard JVMs, or set KILLBOARD_CP_MEMBERS=0 "
                  + "on every member for a one- or two-process setup.",
              DISCOVERY_WARN_SECONDS,
              cpMemberCount,
              cpMemberCount,
              hz.getCluster().getMembers().size());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running) {
        LOG.warn("Cannot check the CP Subsystem's member count: {}", e.toString());
      }
    }
  }

  /**
   * Promotes this member when the CP Subsystem has fewer CP members than configured; non-blocking.
   */
  void check() {
    HazelcastInstance hz = hazelcast;
    if (!running || hz == null) {
      return;
    }
    if (!checking.compareAndSet(false, true)) {
      again.set(true);
      return;
    }
    again.set(false);
    CompletableFuture<Boolean> done;
    try {
      CPSubsystemManagementService cp = hz.getCPSubsystem().getCPSubsystemManagementService();
      if (hz.getCPSubsystem().getLocalCPMember() != null || !cp.isDiscoveryCompleted()) {
        checking.set(false);
        return;
      }
      done =
          cp.getCPMembers()
              .thenCompose(
                  members -> {
                    if (members.size() >= cpMemberCount || !running) {
                      return CompletableFuture.completedFuture(false);
                    }
                    if (!isCandidate(hz, members)) {
                      // An older plain member promotes itself first; check again in case it does
                      // not (it may be leaving).
                      return CompletableFuture.completedFuture(true);
                    }
                    LOG.warn(
                        "The CP Subsystem has {} of {} CP members: promoting this member to CP member",
                        members.size(),
                        cpMemberCount);
                    return cp.promoteToCPMember()
                        .thenApply(
                            v -> {
                              LOG.info("This member is now a CP member");
                              return false;
                            });
                  })
              .toCompletableFuture();
    } catch (RuntimeException e) {
      checking.set(false);
      LOG.warn("Cannot check the CP Subsystem's member count: {}", e.toString());
      retryLater();
      return;
    }
    done.whenComplete(
        (retry, e) -> {
          checking.set(false);
          if (e != null && running) {
            // Most often another CP membership change is still rebalancing the CP groups: Hazelcast
            // refuses a second one
            // meanwhile and does not retry it.
            LOG.info(
                "Could not promote this member to CP member yet ({}); trying again in {} ms",
                rootMessage(e),
                RETRY_MILLIS);
          }
          if (again.get()) {
            check();
          } else if (e != null || Boolean.TRUE.equals(retry)) {
            retryLater();
          }
        });
  }

  private void retryLater() {
    if (running) {
      CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS).execute(this::check);
    }
  }

  /**
   * Whether this member is the oldest data member that is not a CP member: the one plain member
   * that promotes itself now (CP members and cluster members share their addresses, not their ids).
   */
  private static boolean isCandidate(HazelcastInstance hz, Collection<CPMember> cpMembers) {
    Set<com.hazelcast.cluster.Address> cpAddresses = new HashSet<>();
    cpMembers.forEach(m -> cpAddresses.add(m.getAddress()));
    for (Member m : hz.getCluster().getMembers()) {
      if (!m.isLiteMember() && !cpAddresses.contains(m.getAddress())) {
        return m.localMember();
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }
}
