package dev.killboard.cli.topology;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.PoolProfile;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.worker.WorkerCatalog;
import dev.killboard.worker.WorkerGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code killboard topology validate} checks without a server: verticles and names, the
 * budget each process would start with, worst-case connection demand against the permits (and who
 * waits), CP member count and port clashes on one host. Collects every finding; errors make the
 * topology invalid.
 */
public final class TopologyCheck {
  /**
   * The port the API serves on unless KILLBOARD_HTTP_PORT says otherwise (api-verticle's
   * ApiSettings).
   */
  static final int DEFAULT_HTTP_PORT = 8080;

  /** Variables naming a port a process binds on its host; checked for clashes when set. */
  static final List<String> PORT_VARIABLES =
      List.of("KILLBOARD_HTTP_PORT", "KILLBOARD_MANAGEMENT_PORT");

  // worker:<group> deploys every member once per instance.
  private static final Map<String, Integer> GROUP_SIZES =
      Map.of("production", WorkerGroup.PRODUCTION.size());

  /** What the check found: errors make the topology invalid; warnings and notes explain it. */
  public record Findings(List<String> errors, List<String> warnings, List<String> notes) {
    public Findings {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
      notes = List.copyOf(notes);
    }

    public boolean valid() {
      return errors.isEmpty();
    }

    /** These findings followed by {@code more}'s. */
    public Findings plus(Findings more) {
      List<String> e = new ArrayList<>(errors);
      e.addAll(more.errors);
      List<String> w = new ArrayList<>(warnings);
      w.addAll(more.warnings);
      List<String> n = new ArrayList<>(notes);
      n.addAll(more.notes);
      return new Findings(e, w, n);
    }
  }

  private final Topology topology;
  private final Map<String, String> base;
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private TopologyCheck(Topology topology, Map<String, String> base) {
    this.topology = topology;
    this.base = base;
  }

  /**
   * Checks {@code topology} as its processes would see it, started from an environment {@code
   * base}.
   */
  public static Findings check(Topology topology, Map<String, String> base) {
    TopologyCheck check = new TopologyCheck(topology, base);
    check.run();
    return new Findings(check.errors, check.warnings, check.notes);
  }

  /**
   * The budget the first process would start with (the one the server check compares), or the
   * defaults' error.
   */
  public static BudgetSettings budget(Topology topology, Map<String, String> base) {
    return Env.read(topology.environment(topology.processes().get(0), base), BudgetSettings::from);
  }

  private void run() {
    names();
    Map<String, BudgetSettings> budgets = new LinkedHashMap<>();
    Map<String, ClusterSettings> clusters = new LinkedHashMap<>();
    for (TopologyProcess p : topology.processes()) {
      verticle(p);
      Map<String, String> env = topology.environment(p, base);
      try {
        budgets.put(p.name(), Env.read(env, BudgetSettings::from));
      } catch (ConfigurationException e) {
        errors.add(where(p) + e.getMessage());
      }
      try {
        clusters.put(p.name(), Env.read(env, ClusterSettings::from).validate());
      } catch (ConfigurationException e) {
        errors.add(where(p) + e.getMessage());
      }
    }
    if (!budgets.isEmpty()) {
      sameBudget(budgets);
      demand(budgets);
    }
    if (!clusters.isEmpty()) {
      cpMembers(clusters);
    }
    ports();
  }

  private void names() {
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (TopologyProcess p : topology.processes()) {
      seen.merge(p.name(), 1, Integer::sum);
    }
    seen.forEach(
        (name, count) -> {
          if (count > 1) {
            errors.add(
                topology.fileName()
                    + ": process name '"
                    + name
                    + "' is used "
                    + count
                    + " times; each process needs its own name (it names its pid and log files)");
          }
        });
  }

  private void verticle(TopologyProcess p) {
    if (p.isApi()) {
      return;
    }
    if (p.isWorker()) {
      String worker = p.workerName();
      if (!WorkerCatalog.names().contains(worker) && !WorkerGroup.names().contains(worker)) {
        errors.add(
            where(p)
                + "unknown worker '"
                + worker
                + "'; known are the groups "
                + WorkerGroup.names()
                + " and the workers "
                + WorkerCatalog.names()
                + " (docs/workers.md)");
      }
      return;
    }
    try {
      Class.forName(p.verticle(), false, TopologyCheck.class.getClassLoader());
      notes.add(
          where(p)
              + "verticle class "
              + p.verticle()
              + ": its connection demand is unknown and not counted below");
    } catch (ClassNotFoundException | LinkageError e) {
      errors.add(
          where(p)
              + "verticle '"
              + p.verticle()
              + "' is neither api, worker:<name> nor a class in lib/");
    }
  }

  private void sameBudget(Map<String, BudgetSettings> budgets) {
    Map.Entry<String, BudgetSettings> first = budgets.entrySet().iterator().next();
    String expected = describe(first.getValue());
    budgets.forEach(
        (name, budget) -> {
          if (!describe(budget).equals(expected)) {
            errors.add(
                topology.fileName()
                    + ": process '"
                    + name
                    + "' has the budget "
                    + describe(budget)
                    + " but process '"
                    + first.getKey()
                    + "' has "
                    + expected
                    + "; the cluster refuses a member whose class sizes differ. Set"
                    + " KILLBOARD_BUDGET_TOTAL and KILLBOARD_BUDGET_CLASSES in the top-level env only");
          }
        });
  }

  private static String describe(BudgetSettings budget) {
    return "total " + budget.total() + " (" + budget.describeClasses() + ")";
  }

  private void demand(Map<String, BudgetSettings> budgets) {
    BudgetSettings budget = budgets.values().iterator().next();
    int apiDemand = 0;
    List<String> apiParts = new ArrayList<>();
    int workerDemand = 0;
    int workerInstances = 0;
    int workerPoolMax = budget.workerProfile().maxSize();
    List<String> workerParts = new ArrayList<>();
    for (TopologyProcess p : topology.processes()) {
      BudgetSettings own = budgets.get(p.name());
      if (own == null) {
        continue;
      }
      if (p.isApi()) {
        // All API instances of one process share one pool.
        int max = own.apiProfile().maxSize();
        apiDemand += max;
        apiParts.add(p.name() + " " + max);
      } else if (p.isWorker()) {
        int perInstance = GROUP_SIZES.getOrDefault(p.workerName(), 1);
        int instances = p.instances() * perInstance;
        int max = own.workerProfile().maxSize();
        workerInstances += instances;
        workerDemand += instances * max;
        workerParts.add(
            p.name()
                + " "
                + instances
                + (perInstance > 1
                    ? " (" + p.instances() + " x " + perInstance + " in the group)"
                    : "")
                + " x "
                + max);
      }
    }
    explain(
        "api",
        apiDemand,
        budget.classes().get(PoolProfile.API_CLASS),
        budget.apiProfile().maxSize(),
        topology.processes().stream().filter(TopologyProcess::isApi).count() + " API process(es)",
        "API processes",
        apiParts,
        "requests queue in their pool until a connection of the class is free");
    explain(
        "worker",
        workerDemand,
        budget.classes().get(PoolProfile.WORKER_CLASS),
        workerPoolMax,
        workerInstances + " worker instance(s)",
        "instances",
        workerParts,
        "a job waits for a permit"
            + " up to the connect timeout and is handed back unchanged if none comes free");
  }

  private void explain(
      String budgetClass,
      int demand,
      Integer permits,
      int poolMax,
      String who,
      String unit,
      List<String> parts,
      String how) {
    if (permits == null || demand == 0) {
      return;
    }
    String sum = " (" + String.join(" + ", parts) + ")";
    if (demand <= permits) {
      notes.add(
          budgetClass
              + " demand "
              + demand
              + " connection(s)"
              + sum
              + " on "
              + permits
              + " permits: nobody waits; "
              + (permits - demand)
              + " permit(s) stay unused at full load");
      return;
    }
    int waiting = (demand - permits + poolMax - 1) / poolMax;
    warnings.add(
        budgetClass
            + " demand "
            + demand
            + " connections"
            + sum
            + " on "
            + permits
            + " permits: at full load "
            + waiting
            + " "
            + unit
            + " will wait for a permit ("
            + how
            + "); that is allowed, throughput is bounded by "
            + permits
            + " connections. "
            + who
            + " in all");
  }

  private void cpMembers(Map<String, ClusterSettings> clusters) {
    Map.Entry<String, ClusterSettings> first = clusters.entrySet().iterator().next();
    int cp = first.getValue().cpMemberCount();
    clusters.forEach(
        (name, c) -> {
          if (c.cpMemberCount() != cp) {
            errors.add(
                topology.fileName()
                    + ": process '"
                    + name
                    + "' has KILLBOARD_CP_MEMBERS="
                    + c.cpMemberCount()
                    + " but process '"
                    + first.getKey()
                    + "' has "
                    + cp
                    + "; every member must agree. Set it in the top-level env");
          }
        });
    int count = topology.processes().size();
    if (cp > 0 && count < cp) {
      errors.add(
          topology.fileName()
              + ": KILLBOARD_CP_MEMBERS="
              + cp
              + " but the topology has "
              + count
              + " process(es): the CP group forms only when "
              + cp
              + " members have joined, and until then no pool gets a"
              + " permit. Add processes or set KILLBOARD_CP_MEMBERS=0 (unsafe mode, docs/cluster.md)");
    } else if (cp > 0) {
      notes.add(
          "CP mode: the first "
              + cp
              + " processes to join form the CP group; `up` starts them together");
    } else if (count >= 3
        || topology.processes().stream().map(TopologyProcess::hostLabel).distinct().count() > 1) {
      warnings.add(
          "unsafe mode (KILLBOARD_CP_MEMBERS=0) across "
              + count
              + " processes: no split-brain protection for"
              + " the budget; production across hosts should set KILLBOARD_CP_MEMBERS=3 (docs/cluster.md)");
    }
  }

  private void ports() {
    Map<String, String> taken = new LinkedHashMap<>();
    for (TopologyProcess p : topology.processes()) {
      Map<String, String> env = topology.environment(p, base);
      for (String variable : PORT_VARIABLES) {
        String value = env.get(variable);
        if (variable.equals("KILLBOARD_HTTP_PORT")
            && p.isApi()
            && (value == null || value.isBlank())) {
          value = Integer.toString(DEFAULT_HTTP_PORT);
        }
        if (value == null
            || value.isBlank()
            || (variable.equals("KILLBOARD_HTTP_PORT") && !p.isApi())) {
          continue;
        }
        if (value.trim().equals("0")) {
          continue;
        }
        String key = p.hostLabel() + ":" + value.trim();
        String owner = p.name() + " (" + variable + ")";
        String previous = taken.putIfAbsent(key, owner);
        if (previous != null && !Objects.equals(previous, owner)) {
          errors.add(
              where(p)
                  + variable
                  + "="
                  + value.trim()
                  + " clashes with "
                  + previous
                  + " on host "
                  + p.hostLabel()
                  + "; give each process on one host its own port");
        }
      }
    }
  }

  private String where(TopologyProcess p) {
    return topology.fileName() + ": process '" + p.name() + "': ";
  }
}
