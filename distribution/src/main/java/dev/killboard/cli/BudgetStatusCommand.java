package dev.killboard.cli;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.killboard.budget.BudgetStatus;
import dev.killboard.budget.PermitHolder;
import dev.killboard.budget.impl.ClassSemaphores;
import dev.killboard.budget.impl.HolderRegistry;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.HazelcastConfigs;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code killboard budget status}: connects to the cluster as a Hazelcast <em>client</em> (never a
 * member, so it holds no partition, cannot become a CP member and takes no permit) and prints the
 * members and the connection budget's cluster-wide status: per class the permits in use out of its
 * size, which pool of which process holds them, and which pools wait for a permit (member, pid,
 * verticle, pool, since when). It reads the records and the semaphores' counts only: asking takes
 * no permit. {@code --json} prints the same as one JSON object.
 */
public final class BudgetStatusCommand {

  /**
   * How long to wait for the cluster, and then for the budget's answers (a CP group without
   * majority blocks).
   */
  static final long TIMEOUT_SECONDS = 20;

  private final ClusterSettings settings;
  private final boolean json;

  public BudgetStatusCommand(ClusterSettings settings) {
    this(settings, false);
  }

  /** With {@code json}, the status is printed as one JSON object ({@link #renderJson}). */
  public BudgetStatusCommand(ClusterSettings settings, boolean json) {
    this.settings = settings;
    this.json = json;
  }

  /** Prints the status to {@code out}; returns an exit status of {@link KillboardCommand}. */
  public int run(PrintStream out, PrintStream err) {
    HazelcastInstance client;
    try {
      client = HazelcastClient.newHazelcastClient(clientConfig(settings));
    } catch (RuntimeException e) {
      err.println(
          "killboard budget status: no Killboard cluster '"
              + settings.clusterName()
              + "' answered at "
              + clientAddresses(settings)
              + " within "
              + TIMEOUT_SECONDS
              + " s ("
              + e.getMessage()
              + "). Set "
              + ClusterSettings.ENV_MEMBERS
              + " (and "
              + ClusterSettings.ENV_CLUSTER_NAME
              + ") as for the processes.");
      return KillboardCommand.FAILURE;
    }
    ExecutorService reader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "killboard-budget-status");
              t.setDaemon(true);
              return t;
            });
    try {
      Future<String> report =
          reader.submit(
              () ->
                  json
                      ? renderJson(client, settings.clusterName())
                      : render(client, settings.clusterName()));
      out.print(report.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      out.flush();
      return KillboardCommand.OK;
    } catch (TimeoutException e) {
      err.println(
          "killboard budget status: the connection budget did not answer within "
              + TIMEOUT_SECONDS
              + " s; in CP"
              + " mode a majority of the CP members must be up (docs/cluster.md).");
      return KillboardCommand.FAILURE;
    } catch (ExecutionException e) {
      err.println("killboard budget status: reading the budget failed: " + e.getCause());
      return KillboardCommand.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return KillboardCommand.FAILURE;
    } finally {
      reader.shutdownNow();
      client.shutdown();
    }
  }

  /** Blocking: the members, then {@link BudgetStatus#render()} of what the cluster records. */
  static String render(HazelcastInstance client, String clusterName) {
    Set<Member> members = client.getCluster().getMembers();
    StringBuilder sb =
        new StringBuilder("Cluster '")
            .append(clusterName)
            .append("': ")
            .append(members.size())
            .append(" member(s)\n");
    for (Member m : members) {
      String pid = m.getAttribute(HazelcastConfigs.PID_ATTRIBUTE);
      sb.append("  ")
          .append(m.getAddress())
          .append(" pid ")
          .append(pid == null ? "?" : pid)
          .append(m.isLiteMember() ? " (lite)" : "")
          .append(' ')
          .append(m.getUuid())
          .append('\n');
    }
    BudgetStatus status = read(client);
    if (status == null) {
      return sb.append(
              "Connection budget: no process has joined it yet (no budget classes recorded)\n")
          .toString();
    }
    return sb.append(status.render()).toString();
  }

  /**
   * Blocking: the members and the budget's status as one JSON object ({@code budget} null before
   * any process joined).
   */
  static String renderJson(HazelcastInstance client, String clusterName) {
    io.vertx.core.json.JsonArray members = new io.vertx.core.json.JsonArray();
    for (Member m : client.getCluster().getMembers()) {
      String pid = m.getAttribute(HazelcastConfigs.PID_ATTRIBUTE);
      members.add(
          new JsonObject()
              .put("address", m.getAddress().toString())
              .put("uuid", m.getUuid().toString())
              .put("pid", pid == null ? null : Long.valueOf(pid))
              .put("lite", m.isLiteMember()));
    }
    BudgetStatus status = read(client);
    return new JsonObject()
            .put("cluster", clusterName)
            .put("members", members)
            .put("budget", status == null ? null : status.toJson())
            .encodePrettily()
        + "\n";
  }

  /**
   * Blocking: the budget's cluster-wide status as the cluster records it, or null before any
   * process joined it.
   */
  static BudgetStatus read(HazelcastInstance client) {
    Map<String, Integer> sizes =
        new TreeMap<>(client.<String, Integer>getMap(ClassSemaphores.CLASS_SIZES_MAP));
    if (sizes.isEmpty()) {
      return null;
    }
    Set<String> live =
        client.getCluster().getMembers().stream()
            .map(m -> m.getUuid().toString())
            .collect(Collectors.toSet());
    List<PermitHolder> holders =
        holders(client.<String, String>getMap(HolderRegistry.HOLDERS_MAP).values(), live);
    Map<String, BudgetStatus.ClassStatus> classes = new LinkedHashMap<>();
    sizes.forEach(
        (name, size) -> {
          int available =
              client
                  .getCPSubsystem()
                  .getSemaphore(ClassSemaphores.SEMAPHORE_PREFIX + name)
                  .availablePermits();
          List<PermitHolder> ofClass =
              holders.stream().filter(h -> name.equals(h.budgetClass())).toList();
          List<PermitHolder> waiters =
              ofClass.stream()
                  .filter(h -> h.waiting() > 0)
                  .sorted((a, b) -> Long.compare(a.waitingSince(), b.waitingSince()))
                  .toList();
          classes.put(
              name,
              new BudgetStatus.ClassStatus(
                  name,
                  size,
                  available,
                  ofClass.stream().filter(h -> h.held() > 0).toList(),
                  waiters));
        });
    int total = sizes.values().stream().mapToInt(Integer::intValue).sum();
    return new BudgetStatus(total, classes);
  }

  /**
   * The recorded holders of members still in the cluster (a departed member's entries may linger
   * briefly).
   */
  static List<PermitHolder> holders(Collection<String> recorded, Set<String> liveMembers) {
    List<PermitHolder> out = new ArrayList<>();
    for (String json : recorded) {
      PermitHolder h = PermitHolder.fromJson(new JsonObject(json));
      if (liveMembers.contains(h.member())) {
        out.add(h);
      }
    }
    out.sort((a, b) -> Integer.compare(b.held(), a.held()));
    return out;
  }

  static ClientConfig clientConfig(ClusterSettings s) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(s.clusterName());
    config.setInstanceName("killboard-budget-status-" + ProcessHandle.current().pid());
    config.getNetworkConfig().setAddresses(clientAddresses(s));
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // The command ends by shutting the client down itself.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    return config;
  }

  /**
   * The members to try: each {@code KILLBOARD_CLUSTER_MEMBERS} entry with its port, or, without
   * one, the first three ports from {@code KILLBOARD_CLUSTER_PORT} (as the members' own join does).
   * One answering member is enough: the client learns the others from it.
   */
  static List<String> clientAddresses(ClusterSettings s) {
    List<String> out = new ArrayList<>();
    for (String member : s.members()) {
      if (hasPort(member)) {
        out.add(member);
      } else {
        String host = member.contains(":") && !member.startsWith("[") ? "[" + member + "]" : member;
        for (int i = 0; i < 3; i++) {
          out.add(host + ":" + (s.port() + i));
        }
      }
    }
    return out;
  }

  private static boolean hasPort(String member) {
    if (member.startsWith("[")) {
      return member.contains("]:");
    }
    // One colon: host:port; more: a bare IPv6 literal.
    return member.indexOf(':') >= 0 && member.indexOf(':') == member.lastIndexOf(':');
  }
}
