package dev.killboard.budget;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A LoadNode JVM started by a test: its lines are read as events the test can await. */
final class ChildNode implements AutoCloseable {
  private final Process process;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<JsonObject> result = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final List<String> output = new ArrayList<>();

  ChildNode(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-Xmx256m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true", "-Dhazelcast.logging.type=slf4j",
        "-Dhazelcast.phone.home.enabled=false", "-cp", System.getProperty("java.class.path"), LoadNode.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    process = pb.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (output) {
            output.add(line);
          }
          if (line.equals("READY")) {
            ready.complete(null);
          } else if (line.startsWith("RESULT ")) {
            result.complete(new JsonObject(line.substring(7)));
          } else if (line.startsWith("STOPPED")) {
            stopped.complete(null);
          }
        }
      } catch (Exception ignored) {
        // process gone
      }
      ready.completeExceptionally(new IllegalStateException("child exited before READY:\n" + tail()));
      result.completeExceptionally(new IllegalStateException("child exited before RESULT:\n" + tail()));
    }, "child-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  long pid() {
    return process.pid();
  }

  void awaitReady() throws Exception {
    ready.get(180, TimeUnit.SECONDS);
  }

  JsonObject awaitResult(long seconds) throws Exception {
    return result.get(seconds, TimeUnit.SECONDS);
  }

  void sendStop() {
    try {
      Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      w.write("stop\n");
      w.flush();
    } catch (java.io.IOException e) {
      // already gone
    }
  }

  boolean awaitExit(long seconds) throws Exception {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  void kill9() throws Exception {
    // destroyForcibly is SIGKILL on Linux: no shutdown hook, no goodbye to the cluster.
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String tail() {
    synchronized (output) {
      return String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()));
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
