package dev.killboard.budget.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.ISemaphore;
import com.hazelcast.cp.internal.RaftGroupId;
import com.hazelcast.cp.internal.RaftService;
import com.hazelcast.cp.internal.session.AbstractProxySessionManager;
import com.hazelcast.cp.internal.session.ProxySessionManagerService;
import com.hazelcast.cp.internal.session.SessionAwareProxy;
import com.hazelcast.cp.internal.session.operation.HeartbeatSessionOp;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.spi.impl.NodeEngine;
import java.util.concurrent.CompletionStage;

/**
 * This member's own view of its CP sessions: which session a semaphore call of this member runs
 * under right now.
 *
 * <p>The only class that reads Hazelcast internals ({@code ProxySessionManagerService}), pinned by
 * {@code CpSessionsContractTest}. A permit belongs to the session that acquired it; Hazelcast's
 * {@code release()} uses whatever session is current, so the budget compares the two before it
 * releases: a permit whose session is no longer current was taken back by the CP group with that
 * session and must never be released again.
 */
public final class CpSessions {
  /** Hazelcast's "no session" id. */
  public static final long NO_SESSION = AbstractProxySessionManager.NO_SESSION_ID;

  private final AbstractProxySessionManager manager;
  private final NodeEngine engine;

  private CpSessions(AbstractProxySessionManager manager, NodeEngine engine) {
    this.manager = manager;
    this.engine = engine;
  }

  /** The session view of a member instance (as returned by Vert.x's Hazelcast cluster manager). */
  public static CpSessions of(HazelcastInstance hz) {
    if (!(hz instanceof HazelcastInstanceProxy proxy)) {
      throw new IllegalStateException(
          "The connection budget needs a Hazelcast member instance, not "
              + hz.getClass().getName());
    }
    NodeEngine engine = proxy.getOriginal().node.getNodeEngine();
    return new CpSessions(engine.getService(ProxySessionManagerService.SERVICE_NAME), engine);
  }

  /** The session this member's calls on {@code semaphore} run under now, or {@link #NO_SESSION}. */
  public long current(ISemaphore semaphore) {
    return manager.getSession(group(semaphore));
  }

  /**
   * Hazelcast's {@code release()} lowers the session's local use count even when the release did
   * not reach the CP group (a timeout, a leader election). The permit is still held there, so the
   * count is put back: while it is above zero the session keeps heart-beating and the CP group
   * keeps the permit ours until it is released.
   */
  public void restoreUseAfterFailedRelease(ISemaphore semaphore, long session) {
    RaftGroupId group = group(semaphore);
    if (manager.getSession(group) == session) {
      manager.acquireSession(group, 1);
    }
  }

  /**
   * How many permits and other session-bound holds this member counts on its current session of the
   * group.
   */
  public long localUseCount(ISemaphore semaphore) {
    RaftGroupId group = group(semaphore);
    return manager.getSessionAcquireCount(group, manager.getSession(group));
  }

  /**
   * Sends the heartbeat Hazelcast's own heartbeat task sends for {@code session} of the semaphore's
   * CP group (non-blocking). When it succeeds, the CP group renewed the session no earlier than the
   * moment it was sent, so the session lives at least a TTL from then: this member's own proof,
   * read on its own clock, that its permits are still its own. Fails with Hazelcast's
   * SessionExpiredException when the session is gone.
   */
  public CompletionStage<Object> heartbeat(ISemaphore semaphore, long session) {
    RaftService raft = engine.getService(RaftService.SERVICE_NAME);
    return raft.getInvocationManager().invoke(group(semaphore), new HeartbeatSessionOp(session));
  }

  private static RaftGroupId group(ISemaphore semaphore) {
    if (!(semaphore instanceof SessionAwareProxy proxy)) {
      throw new IllegalStateException(
          "The budget semaphores must be session-aware (JDK compatibility off), not "
              + semaphore.getClass().getName());
    }
    return proxy.getGroupId();
  }
}
