package dev.killboard.budget.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPGroup;
import com.hazelcast.cp.session.CPSession;
import dev.killboard.budget.PermitHolder;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fences a member that stopped answering at the resource itself: before the CP group hands its
 * permits to others, the connections they cover are ended in PostgreSQL.
 *
 * <p>A stopped process (SIGSTOP, a long GC pause) or one cut off from the CP members keeps its
 * PostgreSQL connections open; when its CP session expires its permits go to waiting members, and
 * the server would see both. So the oldest member watches the CP sessions: one that has missed
 * three heartbeats (a live member renews every heartbeat) is about to expire, and the backends that
 * member recorded are terminated (same role: no superuser needed) while its permits are still
 * counted. When it wakes, its pool finds those connections closed, and the fence ({@link
 * SessionFence}) drops their permits unreleased. Ending the connections of a member that was only
 * slow is harmless: it reconnects. CP mode only: unsafe mode has no session listing.
 */
public final class SessionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(SessionGuard.class);
  // The member's pools name their connections after it (application_name), so what it opened after
  // the last record
  // is found too; the recorded backend pids cover connections named otherwise.
  private static final String TERMINATE =
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
          + " WHERE usename = current_user AND (pid = ANY($1) OR application_name LIKE $2)";

  private final HazelcastInstance hz;
  private final ClassSemaphores semaphores;
  private final HolderRegistry registry;
  private final Supplier<Pool> pool;
  private final long guardMillis;
  private final long timerId;
  private final ContextInternal home;
  // Session id -> the expiration time it had when its connections were ended: it is guarded again
  // only if it renewed.
  private final Map<Long, Long> ended = new ConcurrentHashMap<>();
  private boolean running;

  public SessionGuard(
      ContextInternal home,
      HazelcastInstance hz,
      ClassSemaphores semaphores,
      HolderRegistry registry,
      Supplier<Pool> pool) {
    this.home = home;
    this.hz = hz;
    this.semaphores = semaphores;
    this.registry = registry;
    this.pool = pool;
    long ttl = hz.getConfig().getCPSubsystemConfig().getSessionTimeToLiveSeconds() * 1000L;
    long heartbeat =
        hz.getConfig().getCPSubsystemConfig().getSessionHeartbeatIntervalSeconds() * 1000L;
    // Three heartbeats missed: a session with less time left than this is one its member no longer
    // renews.
    this.guardMillis = Math.max(heartbeat, ttl - 3 * heartbeat);
    boolean cpMode = hz.getConfig().getCPSubsystemConfig().getCPMemberCount() > 0;
    this.timerId = cpMode ? home.setPeriodic(Math.max(500, heartbeat / 2), id -> run()) : -1;
  }

  /**
   * The application_name of a pool's connections: the class, the member's cluster address (first,
   * so PostgreSQL's 63-character limit can only cut the owner) and the owner, e.g. {@code
   * killboard-worker@[10.0.0.5]:5701/info-types#1}.
   */
  public static String applicationName(String classLabel, String memberAddress, String owner) {
    return "killboard-" + classLabel + "@" + memberAddress + "/" + owner;
  }

  /** A member whose session is about to expire, and the backends it recorded. */
  record Lapsed(CPSession session, List<Integer> backends, long pid) {}

  private void run() {
    if (running || pool.get() == null || !isOldestMember()) {
      return;
    }
    running = true;
    semaphores
        .blocking(this::lapsed)
        .compose(this::endConnections)
        .onFailure(err -> LOG.debug("Session guard skipped a round: {}", err.toString()))
        .onComplete(ar -> running = false);
  }

  private boolean isOldestMember() {
    return hz.getCluster().getMembers().iterator().next().localMember();
  }

  /**
   * Blocking: sessions of other members that have stopped renewing, with the connections their
   * pools recorded.
   */
  private List<Lapsed> lapsed() throws Exception {
    Collection<CPSession> sessions =
        hz.getCPSubsystem()
            .getCPSessionManagementService()
            .getAllSessions(CPGroup.DEFAULT_GROUP_NAME)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    long now = System.currentTimeMillis();
    String self = hz.getCluster().getLocalMember().getAddress().toString();
    // A member that still renews a session is alive: Hazelcast renews every session under which the
    // member holds a permit, so a lapsing session beside a renewed one is one it retired (no permit
    // left under it). Its connections (found by the member's application_name) belong to the
    // renewed session and must not be ended: under load (found by NetworkPartitionIT) a retired
    // session lapsing ended all 16 connections of a healthy member.
    Set<String> renewing = new HashSet<>();
    for (CPSession s : sessions) {
      if (s.expirationTime() - now > guardMillis) {
        renewing.add(s.endpoint().toString());
      }
    }
    List<Lapsed> out = new ArrayList<>();
    List<PermitHolder> recorded = null;
    for (CPSession s : sessions) {
      String endpoint = s.endpoint().toString();
      if (s.endpointType() != CPSession.CPSessionOwnerType.SERVER
          || endpoint.equals(self)
          || ended.getOrDefault(s.id(), Long.MIN_VALUE) == s.expirationTime()
          || s.expirationTime() - now > guardMillis) {
        continue;
      }
      if (renewing.contains(endpoint)) {
        ended.put(s.id(), s.expirationTime());
        LOG.debug(
            "CP session {} of member {} lapses while the member renews another one: retired, nothing to end",
            s.id(),
            endpoint);
        continue;
      }
      if (recorded == null) {
        recorded = registry.allRecorded();
      }
      List<Integer> backends = new ArrayList<>();
      long pid = -1;
      for (PermitHolder h : recorded) {
        if (endpoint.equals(h.address())) {
          backends.addAll(h.backends());
          pid = h.pid();
        }
      }
      ended.put(s.id(), s.expirationTime());
      out.add(new Lapsed(s, backends, pid));
    }
    return out;
  }

  private Future<Void> endConnections(List<Lapsed> lapsed) {
    Future<Void> all = Future.succeededFuture();
    for (Lapsed l : lapsed) {
      String named = "killboard-%@" + l.session().endpoint() + "/%";
      all =
          all.compose(
              v ->
                  pool.get()
                      .preparedQuery(TERMINATE)
                      .execute(Tuple.of(l.backends().toArray(new Integer[0]), named))
                      .map(
                          rows -> {
                            long n = rows.iterator().next().getLong(0);
                            LOG.warn(
                                "CP session {} of member {} (pid {}) has missed three heartbeats: ended its {} PostgreSQL"
                                    + " connection(s) before the CP group hands its permits to others",
                                l.session().id(),
                                l.session().endpoint(),
                                l.pid(),
                                n);
                            return (Void) null;
                          }));
    }
    return all;
  }

  public void close() {
    if (timerId >= 0) {
      home.owner().cancelTimer(timerId);
    }
  }
}
