package dev.killboard.cli;

import dev.killboard.cluster.KillboardLauncher;
import io.vertx.launcher.application.HookContext;

/**
 * {@link KillboardLauncher} for a long-running service: a process whose verticle had deployed and that then stopped
 * cleanly on SIGTERM exits with status 0 rather than the JVM's 143, so that systemd and Kubernetes record a stop, not
 * a failure.
 */
final class ServiceLauncher extends KillboardLauncher {

  private volatile boolean deployed;
  private volatile boolean failed;

  ServiceLauncher(String[] args) {
    super(args);
  }

  @Override
  public void afterVerticleDeployed(HookContext context) {
    super.afterVerticleDeployed(context);
    deployed = true;
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
    // Called by the launcher's shutdown hook once Vert.x has closed: the pools have given their permits back and
    // the member has left the cluster. A failed start keeps its own exit status (the launcher exits with it).
    if (deployed && !failed) {
      Runtime.getRuntime().halt(KillboardCommand.OK);
    }
  }
}
