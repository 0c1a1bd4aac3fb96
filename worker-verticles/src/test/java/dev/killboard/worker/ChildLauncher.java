package dev.killboard.worker;

import dev.killboard.cluster.KillboardLauncher;
import dev.killboard.testing.ChildJvm;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A child JVM running {@code KillboardLauncher <args>} in the harness's cluster, with its output
 * collected.
 */
final class ChildLauncher implements AutoCloseable {
  private final ChildJvm jvm;

  ChildLauncher(WorkerHarness h, String... args) throws Exception {
    Map<String, String> env = new HashMap<>(h.env);
    env.put("KILLBOARD_CLUSTER_NAME", h.clusterName);
    env.put("KILLBOARD_CLUSTER_MEMBERS", String.join(",", h.clusterMembers));
    env.put("KILLBOARD_CLUSTER_PORT", Integer.toString(h.clusterPort));
    env.put("KILLBOARD_CP_MEMBERS", "0");
    jvm = ChildJvm.of(KillboardLauncher.class).args(args).env(env).start();
  }

  /** Lines printed so far that contain {@code text}. */
  long linesContaining(String text) {
    return jvm.linesContaining(text);
  }

  boolean alive() {
    return jvm.alive();
  }

  /** The exit code, or -1 when the process is still running after {@code seconds}. */
  int awaitExit(long seconds) throws InterruptedException {
    return jvm.awaitExit(Duration.ofSeconds(seconds));
  }

  String output() {
    return jvm.tail(60);
  }

  /** SIGTERM (the launcher undeploys and leaves the cluster), then SIGKILL if it hangs. */
  @Override
  public void close() throws Exception {
    jvm.close();
  }
}
