package dev.killboard.cli.topology;

import dev.killboard.cli.KillboardCommand;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code killboard topology validate|up|down|status|scale} over a topology file: checks it before
 * anything starts, starts the processes of this host detached and waits for each to deploy, stops
 * them, lists them, rescales one.
 */
public final class TopologyCommand {
  /**
   * Overrides the state directory (pid files, logs); default {@code ./.killboard/<topology name>}.
   */
  public static final String STATE_DIR = "KILLBOARD_STATE_DIR";

  /** How long {@code up} and {@code scale} wait for each process's deployed line. */
  // Printed for other hosts: values of these stay out of the terminal (and its scroll-back).
  private static final Pattern SECRET = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|KEY|_URL).*");

  public static final String USAGE_TEXT =
      String.join(
          "\n",
          "  topology validate <file>",
          "        Check a topology file (YAML or JSON) against the budget, the cluster and the server, and explain",
          "        who will wait for a connection. Exit 0 when valid (warnings printed), 3 when invalid.",
          "  topology up <file>",
          "        Validate, then start this host's processes detached (CP members together first, then one at a",
          "        time), each waiting for its deployed line; print the command for processes on other hosts.",
          "  topology down <file>",
          "        SIGTERM this host's processes in reverse order; waits up to 30 s for each.",
          "  topology status <file>",
          "        List each process: pid, running or stopped, instances.",
          "  topology scale <file> <process> <n>",
          "        Validate with <n> instances, then restart that process with -instances <n>.");

  private final Map<String, String> env;
  private TopologySettings settings;
  private boolean settingsRefused;
  private final PrintStream out;
  private final PrintStream err;

  private TopologyCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** Runs {@code topology <args>}; returns the exit status. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    TopologyCommand command = new TopologyCommand(env, out, err);
    String sub = args.length == 0 ? "" : args[0];
    int expected =
        switch (sub) {
          case "validate", "up", "down", "status" -> 2;
          case "scale" -> 4;
          default -> -1;
        };
    if (expected < 0 || args.length != expected) {
      err.println("killboard topology: usage:");
      err.println(USAGE_TEXT);
      return KillboardCommand.USAGE;
    }
    Topology topology;
    try {
      topology = TopologyFile.read(Path.of(args[1]));
    } catch (TopologyException e) {
      err.println(args[1] + ": invalid topology file:");
      e.problems().forEach(p -> err.println("  error: " + p));
      return KillboardCommand.CONFIG_ERROR;
    }
    try {
      return switch (sub) {
        case "validate" ->
            command.validate(topology, true) ? KillboardCommand.OK : KillboardCommand.CONFIG_ERROR;
        case "up" -> command.up(topology);
        case "down" -> command.down(topology);
        case "status" -> command.status(topology);
        default -> command.scale(topology, args[2], args[3]);
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return KillboardCommand.FAILURE;
    }
  }

  /** Prints the findings; true when there is no error. */
  private boolean validate(Topology topology, boolean withServer) {
    long remote = topology.processes().stream().filter(p -> !p.isLocal()).count();
    out.println(
        topology.fileName()
            + ": topology '"
            + topology.name()
            + "', "
            + topology.processes().size()
            + " process(es)"
            + (remote > 0 ? ", " + remote + " on other hosts" : ""));
    for (TopologyProcess p : topology.processes()) {
      out.printf(
          Locale.ROOT,
          "  %-24s %-28s %3d instance(s)  %s%n",
          p.name(),
          p.verticle(),
          p.instances(),
          p.hostLabel());
    }
    TopologyCheck.Findings findings = TopologyCheck.check(topology, env);
    if (withServer) {
      try {
        Map<String, String> first = topology.environment(topology.processes().get(0), env);
        findings =
            findings.plus(ServerLimitsProbe.probe(first, TopologyCheck.budget(topology, env)));
      } catch (ConfigurationException e) {
        // Already an error of the check; no budget to compare with the server.
      }
    }
    findings.errors().forEach(e -> out.println("error: " + e));
    findings.warnings().forEach(w -> out.println("warning: " + w));
    findings.notes().forEach(n -> out.println("note: " + n));
    out.println(
        findings.valid()
            ? "valid"
                + (findings.warnings().isEmpty()
                    ? ""
                    : " (" + findings.warnings().size() + " warning(s))")
            : "invalid: " + findings.errors().size() + " error(s)");
    return findings.valid();
  }

  private int up(Topology topology) throws InterruptedException {
    if (!validate(topology, true)) {
      return KillboardCommand.CONFIG_ERROR;
    }
    Optional<LocalProcesses> local = processes(topology);
    if (local.isEmpty()) {
      return KillboardCommand.CONFIG_ERROR;
    }
    Duration timeout = startTimeout();
    if (timeout == null) {
      return KillboardCommand.CONFIG_ERROR;
    }
    LocalProcesses processes = local.get();
    // The first CP-member-count processes to join form the CP group, and no member deploys before
    // it has formed: they start together. The rest start one at a time, in file order (any may go
    // first: workers migrate too).
    int cp =
        Env.read(topology.environment(topology.processes().get(0), env), ClusterSettings::from)
            .cpMemberCount();
    List<TopologyProcess> all = topology.processes();
    List<TopologyProcess> together = all.subList(0, Math.min(cp, all.size()));
    try {
      startAndAwait(topology, processes, together, timeout);
      for (TopologyProcess p : all.subList(together.size(), all.size())) {
        startAndAwait(topology, processes, List.of(p), timeout);
      }
    } catch (IOException e) {
      err.println("killboard topology up: " + e.getMessage());
      err.println(
          "processes already started keep running; `killboard topology down "
              + topology.fileName()
              + "` stops them");
      return KillboardCommand.FAILURE;
    }
    out.println("up: every process of this host is deployed; state in " + processes.stateDir());
    return KillboardCommand.OK;
  }

  private void startAndAwait(
      Topology topology, LocalProcesses processes, List<TopologyProcess> batch, Duration timeout)
      throws IOException, InterruptedException {
    List<LocalProcesses.Started> started = new ArrayList<>();
    for (TopologyProcess p : batch) {
      if (!p.isLocal()) {
        printRemote(topology, p);
        continue;
      }
      Optional<ProcessHandle> running = processes.running(p.name());
      if (running.isPresent()) {
        out.println(p.name() + ": already running (pid " + running.get().pid() + ")");
        continue;
      }
      LocalProcesses.Started s = processes.start(p, topology.environment(p, env));
      out.println(p.name() + ": started pid " + s.os().pid() + ", log " + s.log());
      started.add(s);
    }
    for (LocalProcesses.Started s : started) {
      long begin = System.nanoTime();
      processes.awaitDeployed(s, timeout);
      out.printf(
          Locale.ROOT,
          "%s: deployed after %.1f s%n",
          s.process().name(),
          (System.nanoTime() - begin) / 1e9);
    }
  }

  private void printRemote(Topology topology, TopologyProcess p) {
    Map<String, String> own = new LinkedHashMap<>(topology.env());
    own.putAll(p.env());
    StringBuilder line = new StringBuilder();
    own.forEach(
        (k, v) ->
            line.append(k)
                .append('=')
                .append(
                    SECRET.matcher(k).matches() ? "<from " + topology.fileName() + ">" : quote(v))
                .append(' '));
    out.println(p.name() + ": runs on " + p.host() + " (not started from here); there, run:");
    out.println("  " + line + "killboard " + String.join(" ", p.runArguments()));
  }

  private int down(Topology topology) throws InterruptedException {
    Optional<LocalProcesses> local = processes(topology);
    if (local.isEmpty()) {
      return KillboardCommand.CONFIG_ERROR;
    }
    boolean allStopped = true;
    List<TopologyProcess> reversed = new ArrayList<>(topology.processes());
    Collections.reverse(reversed);
    for (TopologyProcess p : reversed) {
      if (!p.isLocal()) {
        out.println(p.name() + ": runs on " + p.host() + "; stop it there");
        continue;
      }
      Optional<ProcessHandle> running = local.get().running(p.name());
      if (running.isEmpty()) {
        out.println(p.name() + ": not running");
        continue;
      }
      long begin = System.nanoTime();
      if (local.get().stop(p.name(), running.get())) {
        out.printf(
            Locale.ROOT,
            "%s: stopped pid %d after %.1f s%n",
            p.name(),
            running.get().pid(),
            (System.nanoTime() - begin) / 1e9);
      } else {
        allStopped = false;
        out.println(
            p.name()
                + ": pid "
                + running.get().pid()
                + " still running "
                + LocalProcesses.STOP_TIMEOUT.toSeconds()
                + " s after SIGTERM; see "
                + local.get().log(p.name()));
      }
    }
    return allStopped ? KillboardCommand.OK : KillboardCommand.FAILURE;
  }

  private int status(Topology topology) {
    Optional<LocalProcesses> local = processes(topology);
    if (local.isEmpty()) {
      return KillboardCommand.CONFIG_ERROR;
    }
    out.println(
        "topology '"
            + topology.name()
            + "' ("
            + topology.fileName()
            + "), state in "
            + local.get().stateDir());
    for (TopologyProcess p : topology.processes()) {
      if (!p.isLocal()) {
        out.printf(
            Locale.ROOT,
            "  %-24s %-10s %-8s %s on %s%n",
            p.name(),
            "-",
            "remote",
            p.verticle(),
            p.host());
        continue;
      }
      Optional<ProcessHandle> running = local.get().running(p.name());
      int instances = local.get().instances(p.name()).orElse(p.instances());
      out.printf(
          Locale.ROOT,
          "  %-24s %-10s %-8s %s, %d instance(s)%n",
          p.name(),
          running.map(h -> "pid " + h.pid()).orElse("-"),
          running.isPresent() ? "running" : "stopped",
          p.verticle(),
          instances);
    }
    return KillboardCommand.OK;
  }

  private int scale(Topology topology, String name, String count) throws InterruptedException {
    Optional<TopologyProcess> process = topology.process(name);
    if (process.isEmpty()) {
      err.println(
          "killboard topology scale: " + topology.fileName() + " has no process '" + name + "'");
      return KillboardCommand.USAGE;
    }
    int n;
    try {
      n = Integer.parseInt(count);
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1) {
      err.println(
          "killboard topology scale: the instance count must be a whole number of at least 1, not '"
              + count
              + "'");
      return KillboardCommand.USAGE;
    }
    if (!process.get().isLocal()) {
      err.println(
          "killboard topology scale: process '"
              + name
              + "' runs on "
              + process.get().host()
              + "; scale it there");
      return KillboardCommand.USAGE;
    }
    Topology scaled = topology.withInstances(name, n);
    if (!validate(scaled, false)) {
      err.println("killboard topology scale: not scaled; '" + name + "' keeps running as it is");
      return KillboardCommand.CONFIG_ERROR;
    }
    Optional<LocalProcesses> local = processes(topology);
    Duration timeout = startTimeout();
    if (local.isEmpty() || timeout == null) {
      return KillboardCommand.CONFIG_ERROR;
    }
    Optional<ProcessHandle> running = local.get().running(name);
    if (running.isPresent()) {
      long begin = System.nanoTime();
      if (!local.get().stop(name, running.get())) {
        err.println(
            "killboard topology scale: '"
                + name
                + "' (pid "
                + running.get().pid()
                + ") did not stop within "
                + LocalProcesses.STOP_TIMEOUT.toSeconds()
                + " s after SIGTERM; not restarted");
        return KillboardCommand.FAILURE;
      }
      out.printf(
          Locale.ROOT,
          "%s: stopped pid %d after %.1f s%n",
          name,
          running.get().pid(),
          (System.nanoTime() - begin) / 1e9);
    }
    try {
      startAndAwait(scaled, local.get(), List.of(scaled.process(name).orElseThrow()), timeout);
    } catch (IOException e) {
      err.println("killboard topology scale: " + e.getMessage());
      return KillboardCommand.FAILURE;
    }
    out.println(
        name
            + ": now "
            + n
            + " instance(s) (until the next `up`, which starts what the file says)");
    return KillboardCommand.OK;
  }

  private Optional<LocalProcesses> processes(Topology topology) {
    TopologySettings settings = settings();
    if (settings == null) {
      return Optional.empty();
    }
    String dir = settings.stateDir();
    Path state = dir == null ? Path.of(".killboard", topology.name()) : Path.of(dir);
    String home = System.getProperty("killboard.home");
    if (home == null) {
      err.println(
          "killboard topology: run it through bin/killboard (the system property killboard.home is not set)");
      return Optional.empty();
    }
    return Optional.of(
        new LocalProcesses(state.toAbsolutePath(), Path.of(home, "bin", "killboard")));
  }

  /** How long to wait for a started process, or null (reported) when the setting is wrong. */
  private Duration startTimeout() {
    TopologySettings settings = settings();
    return settings == null ? null : settings.startTimeout();
  }

  /** Read once per command, so that a problem or a deprecation is reported once. */
  private TopologySettings settings() {
    if (settings == null && !settingsRefused) {
      try {
        settings = Env.read(env, TopologySettings::from);
      } catch (ConfigurationException e) {
        settingsRefused = true;
        err.println("killboard topology: configuration error: " + e.getMessage());
      }
    }
    return settings;
  }

  private static String quote(String value) {
    return value.matches("[A-Za-z0-9_.,:/@=+-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
  }
}
