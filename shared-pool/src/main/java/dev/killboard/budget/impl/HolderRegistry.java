package dev.killboard.budget.impl;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.killboard.budget.PermitHolder;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide record of who holds permits: one entry per pool, written asynchronously on every
 * change, so any member can say which members, processes and verticles hold how many permits of
 * each class, and which of them wait for one (an entry stays while its pool holds a permit or waits
 * for one).
 */
public final class HolderRegistry {
  /** Name of the Hazelcast map holding one JSON entry per pool. */
  public static final String HOLDERS_MAP = "killboard.budget.holders";

  private static final Logger LOG = LoggerFactory.getLogger(HolderRegistry.class);

  private final HazelcastInstance hz;
  private final IMap<String, String> holders;
  private final String memberId;
  private final String address;
  private final long pid;
  private final UUID listener;
  private volatile List<PermitHolder> snapshot = List.of();

  private HolderRegistry(HazelcastInstance hz) {
    this.hz = hz;
    this.holders = hz.getMap(HOLDERS_MAP);
    Member local = hz.getCluster().getLocalMember();
    this.memberId = local.getUuid().toString();
    this.address = local.getAddress().toString();
    this.pid = ProcessHandle.current().pid();
    // Entries of departed members are dropped by whoever sees them leave; reads filter them out
    // anyway.
    this.listener =
        hz.getCluster()
            .addMembershipListener(
                new MembershipListener() {
                  @Override
                  public void memberAdded(MembershipEvent event) {}

                  @Override
                  public void memberRemoved(MembershipEvent event) {
                    String gone = event.getMember().getUuid().toString();
                    holders.keySet().stream()
                        .filter(k -> k.startsWith(gone + "/"))
                        .forEach(holders::removeAsync);
                  }
                });
  }

  /** Blocking: call from a worker thread. */
  public static HolderRegistry open(HazelcastInstance hz) {
    return new HolderRegistry(hz);
  }

  public String address() {
    return address;
  }

  public long pid() {
    return pid;
  }

  /** Records the pool's current permit count without blocking; zero removes the entry. */
  public void record(String poolId, String owner, String budgetClass, int held) {
    record(poolId, owner, budgetClass, held, List.of());
  }

  /**
   * Records the pool's current permit count and its connections' backend pids without blocking;
   * zero removes it.
   */
  public void record(
      String poolId, String owner, String budgetClass, int held, List<Integer> backends) {
    record(poolId, owner, budgetClass, held, backends, 0, 0);
  }

  /**
   * Records the pool's permits, backends and the acquisitions that wait for a permit ({@code
   * waiting}, since {@code waitingSince} in epoch milliseconds) without blocking; an entry with
   * neither permits nor waiters is removed.
   */
  public void record(
      String poolId,
      String owner,
      String budgetClass,
      int held,
      List<Integer> backends,
      int waiting,
      long waitingSince) {
    String key = memberId + "/" + poolId;
    if (held <= 0 && waiting <= 0) {
      holders.removeAsync(key).exceptionally(err -> logFailure(err));
    } else {
      String value =
          new PermitHolder(
                  memberId,
                  address,
                  pid,
                  owner,
                  poolId,
                  budgetClass,
                  Math.max(0, held),
                  backends,
                  Math.max(0, waiting),
                  waitingSince)
              .toJson()
              .encode();
      holders.setAsync(key, value).exceptionally(err -> logFailure(err));
    }
  }

  private <T> T logFailure(Throwable err) {
    if (hz.getLifecycleService().isRunning()) {
      LOG.debug("Could not record permit holders: {}", err.toString());
    }
    return null;
  }

  /**
   * Blocking: reads every recorded holder from the cluster into the local snapshot. Run
   * periodically, one read at a time: a map read can stall while a member that owns some of its
   * partitions stands still (a GC pause) until the cluster declares it dead, and the readers below
   * must not stall with it.
   */
  public void refresh() {
    List<PermitHolder> out = new ArrayList<>();
    for (String json : holders.values()) {
      out.add(PermitHolder.fromJson(new JsonObject(json)));
    }
    snapshot = List.copyOf(out);
  }

  /** Every recorded holder, of live and departed members alike, as of the last snapshot. */
  public List<PermitHolder> allRecorded() {
    return snapshot;
  }

  /**
   * Every holder of live members, optionally of one class, as of the last snapshot (refreshed each
   * second).
   */
  public List<PermitHolder> holders(String budgetClass) {
    List<PermitHolder> out =
        new ArrayList<>(live(budgetClass).stream().filter(h -> h.held() > 0).toList());
    out.sort((a, b) -> Integer.compare(b.held(), a.held()));
    return out;
  }

  /**
   * Every pool of live members that waits for a permit, optionally of one class, longest waiting
   * first.
   */
  public List<PermitHolder> waiters(String budgetClass) {
    List<PermitHolder> out =
        new ArrayList<>(live(budgetClass).stream().filter(h -> h.waiting() > 0).toList());
    out.sort((a, b) -> Long.compare(a.waitingSince(), b.waitingSince()));
    return out;
  }

  private List<PermitHolder> live(String budgetClass) {
    Set<String> live =
        hz.getCluster().getMembers().stream()
            .map(m -> m.getUuid().toString())
            .collect(Collectors.toSet());
    List<PermitHolder> out = new ArrayList<>();
    for (PermitHolder h : snapshot) {
      if (live.contains(h.member())
          && (budgetClass == null || budgetClass.equals(h.budgetClass()))) {
        out.add(h);
      }
    }
    return out;
  }

  public void close() {
    try {
      hz.getCluster().removeMembershipListener(listener);
    } catch (RuntimeException e) {
      LOG.debug("Membership listener already gone: {}", e.toString());
    }
  }
}
