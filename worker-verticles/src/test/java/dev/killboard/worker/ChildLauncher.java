package dev.killboard.worker;

import dev.killboard.cluster.KillboardLauncher;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@code KillboardLauncher <args>} in the harness's cluster, with its output collected. */
final class ChildLauncher implements AutoCloseable {
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  ChildLauncher(WorkerHarness h, String... args) throws Exception {
    Map<String, String> env = new HashMap<>(h.env);
    env.put("KILLBOARD_CLUSTER_NAME", h.clusterName);
    env.put("KILLBOARD_CLUSTER_MEMBERS", String.join(",", h.clusterMembers));
    env.put("KILLBOARD_CLUSTER_PORT", Integer.toString(h.clusterPort));
    env.put("KILLBOARD_CP_MEMBERS", "0");
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java", "-Xmx256m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true",
        "-Dhazelcast.phone.home.enabled=false", "-cp", System.getProperty("java.class.path"),
        KillboardLauncher.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    process = pb.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
        }
      } catch (Exception ignored) {
        // the child is gone
      }
    }, "worker-child-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Lines printed so far that contain {@code text}. */
  long linesContaining(String text) {
    return output.stream().filter(l -> l.contains(text)).count();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The exit code, or -1 when the process is still running after {@code seconds}. */
  int awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  String output() {
    List<String> lines = new ArrayList<>(output);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  /** SIGTERM (the launcher undeploys and leaves the cluster), then SIGKILL if it hangs. */
  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
