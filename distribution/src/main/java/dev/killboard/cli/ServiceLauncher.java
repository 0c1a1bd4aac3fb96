package dev.killboard.cli;

import dev.killboard.cluster.KillboardLauncher;
import dev.killboard.management.ManagementServer;
import dev.killboard.management.ManagementSettings;
import io.vertx.launcher.application.HookContext;

/**
 * {@link KillboardLauncher} for a long-running service: a process whose verticle had deployed and
 * that then stopped cleanly on SIGTERM exits with status 0 rather than the JVM's 143, so that
 * systemd and Kubernetes record a stop, not a failure. Once the verticle has deployed, the
 * process's management server starts ({@link ManagementServer}).
 */
final class ServiceLauncher extends KillboardLauncher {

  private final ManagementSettings management;
  private volatile boolean deployed;
  private volatile boolean failed;

  ServiceLauncher(String[] args, ManagementSettings management) {
    super(args);
    this.management = management;
  }

  @Override
  public void afterVerticleDeployed(HookContext context) {
    super.afterVerticleDeployed(context);
    deployed = true;
    // After the deploy: the budget the verticle joined is the one shown; a taken port is logged,
    // never fatal.
    ManagementServer.startForProcess(context.vertx(), management, System.getenv());
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
    failed = true;
  }

  @Override
  public void afterFailureToStopVertx(HookContext context, Throwable t) {
    failed = true;
  }

  @Override
  public void afterVertxStopped(HookContext context) {
    // Called by the launcher's shutdown hook once Vert.x has closed: the pools have given their
    // permits back and the member has left the cluster. A failed start keeps its own exit status
    // (the launcher exits with it).
    if (deployed && !failed) {
      Runtime.getRuntime().halt(KillboardCommand.OK);
    }
  }
}
