package dev.killboard.cli;

import dev.killboard.cli.topology.TopologyCommand;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.management.ManagementSettings;
import dev.killboard.schema.MigrateCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The entry point of the distribution's {@code bin/killboard}: {@code run} a verticle under the
 * Vert.x launcher, {@code migrate} the schema, print the {@code budget status}, run a {@code
 * topology} file. Exit statuses: {@link #OK}, {@link #FAILURE}, {@link #USAGE}, {@link
 * #CONFIG_ERROR}; {@code run} keeps the launcher's own for a failed start (11, 15).
 */
public final class KillboardCommand {

  /** Success; for {@code run}, a clean stop after SIGTERM. */
  public static final int OK = 0;

  /** The command ran and failed (the cluster did not answer, a migration failed). */
  public static final int FAILURE = 1;

  /** Unknown subcommand or missing argument: the usage is printed. */
  public static final int USAGE = 2;

  /** A setting is missing or invalid; the message names the variable. */
  public static final int CONFIG_ERROR = 3;

  /** The verticle {@code killboard run api} deploys. */
  static final String API_VERTICLE = "dev.killboard.api.ApiVerticle";

  static final String USAGE_TEXT =
      String.join(
          "\n",
          "Usage: killboard <command> [arguments]",
          "",
          "Commands:",
          "  run <verticle> [-instances N] [launcher options]",
          "        Start a Killboard process: <verticle> is api, worker:<name> (e.g. worker:production,",
          "        worker:info-characters; docs/workers.md) or a verticle class name. Joins the cluster",
          "        (-cluster is added unless given) and runs until SIGTERM. Other options go to the Vert.x",
          "        launcher (-conf, -options, -deployment-options, -worker, ...). Serves /health/ready, /metrics and",
          "        /budget on KILLBOARD_MANAGEMENT_HOST:KILLBOARD_MANAGEMENT_PORT (127.0.0.1:9090; 0 = off).",
          "  migrate",
          "        Apply the schema migrations to the database of KILLBOARD_DB_URL, then exit.",
          "  budget status [--json]",
          "        Print the cluster's members and the connection budget per class (permits in use, which",
          "        pool of which process holds them, which pools wait for a permit and since when).",
          "        Connects as a Hazelcast client: takes no permit. --json: one JSON object.",
          TopologyCommand.USAGE_TEXT,
          "  help, --help, -h",
          "        Print this text.",
          "",
          "Configuration comes from the environment (docs/operations.md); logging: KILLBOARD_LOG_FORMAT=plain|json,",
          "KILLBOARD_LOG_LEVEL=info, KILLBOARD_LOG_LEVELS=dev.killboard.budget=debug,com.hazelcast=warn.",
          "",
          "Exit status: 0 ok (run: stopped by SIGTERM), 1 failure, 2 usage, 3 configuration error;",
          "run also 11 (Vert.x or the cluster did not start) and 15 (the verticle did not deploy).",
          "");

  private KillboardCommand() {}

  public static void main(String[] args) {
    int status = execute(args, System.getenv(), System.out, System.err);
    if (status != RUNNING) {
      System.exit(status);
    }
  }

  /**
   * Returned by {@link #execute} when a process was started and keeps running (its own threads keep
   * the JVM alive).
   */
  static final int RUNNING = -1;

  /** Runs one command; returns its exit status, or {@link #RUNNING} for a started {@code run}. */
  static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(USAGE_TEXT);
      return USAGE;
    }
    String command = args[0];
    if (List.of("help", "--help", "-h").contains(command)) {
      out.print(USAGE_TEXT);
      return OK;
    }
    if (!List.of("run", "migrate", "budget", "topology").contains(command)) {
      err.println("killboard: unknown command '" + command + "'");
      err.print(USAGE_TEXT);
      return USAGE;
    }
    // Checked before anything logs: logback reads its configuration on the first log call.
    try {
      Env.read(env, LogSettings::from).apply();
    } catch (IllegalArgumentException e) {
      err.println("killboard: configuration error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "run":
        return run(rest, env, err);
      case "migrate":
        return migrate(rest, env, out, err);
      case "topology":
        return TopologyCommand.run(rest, env, out, err);
      default:
        return budget(rest, env, out, err);
    }
  }

  private static int run(String[] args, Map<String, String> env, PrintStream err) {
    if (args.length == 0 || args[0].startsWith("-")) {
      err.println(
          "killboard run: name the verticle to run: api, worker:<name> or a verticle class");
      err.print(USAGE_TEXT);
      return USAGE;
    }
    ServiceLauncher launcher;
    try {
      launcher = new ServiceLauncher(launcherArgs(args), Env.read(env, ManagementSettings::from));
    } catch (IllegalArgumentException e) {
      err.println("killboard run: configuration error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    int status = launcher.launch();
    // The launcher exits by itself on a failed start; 0 means started, and the process lives on
    // until SIGTERM.
    return status == 0 ? RUNNING : status;
  }

  /**
   * The launcher's command line: the verticle ({@code api} resolved), the caller's options, {@code
   * -cluster} unless given.
   */
  static String[] launcherArgs(String[] args) {
    List<String> out = new ArrayList<>();
    out.add(args[0].equals("api") ? API_VERTICLE : args[0]);
    boolean cluster = false;
    for (int i = 1; i < args.length; i++) {
      String lower = args[i].toLowerCase(Locale.ROOT);
      cluster |= lower.equals("-cluster") || lower.equals("--cluster") || lower.equals("-c");
      out.add(args[i]);
    }
    if (!cluster) {
      out.add("-cluster");
    }
    return out.toArray(String[]::new);
  }

  private static int migrate(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length > 0) {
      err.println(
          "killboard migrate: takes no arguments (the database comes from KILLBOARD_DB_URL)");
      return USAGE;
    }
    int status = MigrateCommand.run(env, out, err);
    return status == MigrateCommand.BAD_CONFIGURATION ? CONFIG_ERROR : status;
  }

  private static int budget(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    boolean json = args.length == 2 && args[1].equals("--json");
    if (args.length < 1
        || args.length > 2
        || !args[0].equals("status")
        || (args.length == 2 && !json)) {
      err.println("killboard budget: the subcommand is 'status' (optionally with --json)");
      err.print(USAGE_TEXT);
      return USAGE;
    }
    ClusterSettings settings;
    try {
      settings = Env.read(env, ClusterSettings::from).validate();
    } catch (ConfigurationException e) {
      err.println("killboard budget status: configuration error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    return new BudgetStatusCommand(settings, json).run(out, err);
  }
}
