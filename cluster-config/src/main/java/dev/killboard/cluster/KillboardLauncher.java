package dev.killboard.cluster;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.Timer;
import java.util.TimerTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x launcher for every Killboard deployable: {@code java -cp …
 * dev.killboard.cluster.KillboardLauncher <verticle> -cluster -instances N}. With {@code -cluster}
 * the member uses {@link HazelcastConfigs} with settings from the {@code KILLBOARD_CLUSTER_*} and
 * {@code KILLBOARD_CP_*} environment variables (never a cluster.xml); every {@link
 * VertxOptionsCustomizer} on the class path adjusts the options first.
 */
public class KillboardLauncher extends VertxApplication implements VertxApplicationHooks {

  /** Exit status for invalid cluster settings (sysexits EX_CONFIG). */
  public static final int CONFIG_ERROR_EXIT_CODE = 78;

  /** Start of the line logged once every instance of the main verticle has started. */
  public static final String DEPLOYED_MARKER = "Killboard verticle";

  private static final Logger LOG = LoggerFactory.getLogger(KillboardLauncher.class);
  private static final long STOP_DEADLINE_MS = 30_000;

  // Options of VertxApplication 5.0.7 that consume the next argument; their values are never the
  // -cluster flag.
  private static final Set<String> OPTIONS_WITH_VALUE =
      Set.of(
          "-options",
          "--options",
          "-vertx-options",
          "--vertx-options",
          "-cluster-port",
          "--cluster-port",
          "-cluster-host",
          "--cluster-host",
          "-cluster-public-port",
          "--cluster-public-port",
          "-cluster-public-host",
          "--cluster-public-host",
          "-deployment-options",
          "--deployment-options",
          "-instances",
          "--instances",
          "-conf",
          "--conf");
  private static final Set<String> CLUSTER_FLAGS = Set.of("-c", "-cluster", "--cluster");

  private final ClusterSettings settings;

  /**
   * Reads and validates the cluster settings from the environment when {@code args} ask for {@code
   * -cluster}.
   *
   * @throws ConfigurationException when they are invalid
   */
  public KillboardLauncher(String[] args) {
    this(args, System.getenv());
  }

  /** Like {@link #KillboardLauncher(String[])}, with the settings read from {@code env}. */
  protected KillboardLauncher(String[] args, Map<String, String> env) {
    super(args);
    this.settings = clusterRequested(args) ? Env.read(env, ClusterSettings::from).validate() : null;
  }

  /**
   * Launches; invalid cluster settings print their message on stderr and exit with {@link
   * #CONFIG_ERROR_EXIT_CODE}.
   */
  public static void main(String[] args) {
    KillboardLauncher launcher;
    try {
      launcher = new KillboardLauncher(args);
    } catch (ConfigurationException e) {
      System.err.println(
          "Killboard cannot start, invalid cluster configuration: " + e.getMessage());
      System.exit(CONFIG_ERROR_EXIT_CODE);
      return;
    }
    launcher.launch();
  }

  /**
   * The validated cluster settings, or null when the command line does not ask for {@code
   * -cluster}.
   */
  public ClusterSettings clusterSettings() {
    return settings;
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    VertxBuilder builder = Vertx.builder().with(options);
    if (settings != null) {
      // Without this, vertx-hazelcast's service provider would load cluster.xml / its multicast
      // default.
      builder.withClusterManager(ClusteredVertx.clusterManager(settings));
    }
    return builder;
  }

  @Override
  public void beforeStartingVertx(HookContext context) {
    // Here, not in createVertxBuilder: the command line and vertx.options.* properties have been
    // applied by now,
    // and the builder reads the same options object when it builds Vert.x.
    applyCustomizers(context.vertxOptions());
  }

  @Override
  public void afterVerticleDeployed(HookContext context) {
    // The launcher itself says nothing on success; operators (and the process test) wait for this
    // line.
    LOG.info(
        "{} {} deployed: {} instance(s), deployment {}",
        DEPLOYED_MARKER,
        context.mainVerticle(),
        context.deploymentOptions().getInstances(),
        context.deploymentId());
  }

  @Override
  public void beforeStoppingVertx(HookContext context) {
    // A stop must end in bounded time even when the cluster cannot answer (no CP majority left, a
    // partition): the stop releases what it can; what it could not is taken back when this member's
    // CP session expires.
    LOG.info(
        "Stopping: verticles first (no new work, in-flight work finished or handed back), then the connection pools,"
            + " then the cluster");
    if (!jvmShuttingDown()) {
      return; // Vert.x closed in-process (tests, embedding): the JVM goes on and is not ours to end
    }
    new Timer("killboard-stop-deadline", true)
        .schedule(
            new TimerTask() {
              @Override
              public void run() {
                LOG.warn(
                    "Stop not finished after {} s (cluster unreachable?): exiting now; permits not given back return when"
                        + " this member's CP session expires",
                    STOP_DEADLINE_MS / 1000);
                Runtime.getRuntime().halt(0);
              }
            },
            STOP_DEADLINE_MS);
  }

  private static boolean jvmShuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true; // "Shutdown in progress"
    }
  }

  /**
   * Applies every {@link VertxOptionsCustomizer} found by {@link ServiceLoader}, in class path
   * order.
   */
  static List<VertxOptionsCustomizer> applyCustomizers(VertxOptions options) {
    List<VertxOptionsCustomizer> customizers;
    try {
      customizers =
          ServiceLoader.load(VertxOptionsCustomizer.class).stream()
              .map(ServiceLoader.Provider::get)
              .toList();
    } catch (RuntimeException | ServiceConfigurationError e) {
      // The launcher's command handler swallows exceptions silently: say what failed before it
      // does.
      LOG.error("Cannot load a VertxOptionsCustomizer listed in META-INF/services", e);
      throw e;
    }
    for (VertxOptionsCustomizer customizer : customizers) {
      try {
        customizer.customize(options);
        LOG.debug("Vert.x options customized by {}", customizer.getClass().getName());
      } catch (RuntimeException e) {
        LOG.error("VertxOptionsCustomizer {} failed", customizer.getClass().getName(), e);
        throw e;
      }
    }
    return customizers;
  }

  /**
   * True when the VertxApplication command line asks for a clustered instance (options are
   * case-insensitive).
   */
  static boolean clusterRequested(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i].toLowerCase(Locale.ROOT);
      if (arg.equals("--")) {
        return false;
      }
      if (CLUSTER_FLAGS.contains(arg)) {
        return true;
      }
      if (OPTIONS_WITH_VALUE.contains(arg)) {
        i++;
      }
    }
    return false;
  }
}
