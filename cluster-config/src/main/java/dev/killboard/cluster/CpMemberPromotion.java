package dev.killboard.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.cp.CPSubsystemManagementService;
import com.hazelcast.cp.event.CPMembershipEvent;
import com.hazelcast.cp.event.CPMembershipListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the CP Subsystem at its configured number of CP members: a member that is not a CP member promotes itself
 * when it finds fewer, at start and whenever a CP member is removed.
 * <p>
 * Hazelcast never does this by itself: a CP member that stops is removed from the CP Subsystem and comes back as a
 * plain (AP) member, so a rolling restart of three CP members would otherwise leave none and lose every semaphore.
 * Two members promoting at once only leave a spare CP member, which is harmless.
 */
final class CpMemberPromotion implements LifecycleListener, CPMembershipListener, HazelcastInstanceAware {

  private static final Logger LOG = LoggerFactory.getLogger(CpMemberPromotion.class);
  private static final long DISCOVERY_WARN_SECONDS = 30;

  private final int cpMemberCount;
  private final AtomicBoolean checking = new AtomicBoolean();
  // Set when a check is asked for while one runs: that one may have read the member list before the change.
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
        // A joiner learns about CP discovery after it starts: wait for it off Hazelcast's and Vert.x's threads.
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
        if (hz.getCPSubsystem().getCPSubsystemManagementService()
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
          LOG.warn("The CP Subsystem is not available after {} s: it starts when {} members have joined "
              + "(KILLBOARD_CP_MEMBERS={}), the cluster has {}. Start more Killboard JVMs, or set KILLBOARD_CP_MEMBERS=0 "
              + "on every member for a one- or two-process setup.", DISCOVERY_WARN_SECONDS, cpMemberCount,
            cpMemberCount, hz.getCluster().getMembers().size());
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

  /** Promotes this member when the CP Subsystem has fewer CP members than configured; non-blocking. */
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
    CompletableFuture<Void> done;
    try {
      CPSubsystemManagementService cp = hz.getCPSubsystem().getCPSubsystemManagementService();
      if (hz.getCPSubsystem().getLocalCPMember() != null || !cp.isDiscoveryCompleted()) {
        checking.set(false);
        return;
      }
      done = cp.getCPMembers().thenCompose(members -> {
        if (members.size() >= cpMemberCount || !running) {
          return CompletableFuture.<Void>completedFuture(null);
        }
        LOG.warn("The CP Subsystem has {} of {} CP members: promoting this member to CP member", members.size(),
          cpMemberCount);
        return cp.promoteToCPMember().thenRun(() -> LOG.info("This member is now a CP member"));
      }).toCompletableFuture();
    } catch (RuntimeException e) {
      checking.set(false);
      LOG.warn("Cannot check the CP Subsystem's member count: {}", e.toString());
      return;
    }
    done.whenComplete((v, e) -> {
      checking.set(false);
      if (e != null && running) {
        LOG.warn("Could not promote this member to CP member: {}", e.toString());
      }
      if (again.get()) {
        check();
      }
    });
  }
}
