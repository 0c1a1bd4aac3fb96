package dev.killboard.budget;

import dev.killboard.testing.ChildJvm;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A LoadNode JVM started by a test: its lines are read as events the test can await. */
final class ChildNode implements AutoCloseable {
  private final ChildJvm jvm;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<JsonObject> result = new CompletableFuture<>();

  ChildNode(Map<String, String> env, String... args) throws Exception {
    jvm =
        ChildJvm.of(LoadNode.class)
            .withTestClasses()
            .args(args)
            .env(env)
            .onLine(this::onLine)
            .start();
  }

  private void onLine(String line) {
    if (line == null) {
      ready.completeExceptionally(
          new IllegalStateException("child exited before READY:\n" + tail()));
      result.completeExceptionally(
          new IllegalStateException("child exited before RESULT:\n" + tail()));
    } else if (line.equals("READY")) {
      ready.complete(null);
    } else if (line.startsWith("RESULT ")) {
      result.complete(new JsonObject(line.substring(7)));
    }
  }

  long pid() {
    return jvm.pid();
  }

  void awaitReady() throws Exception {
    ready.get(180, TimeUnit.SECONDS);
  }

  JsonObject awaitResult(long seconds) throws Exception {
    return result.get(seconds, TimeUnit.SECONDS);
  }

  void sendStop() {
    jvm.send("stop");
  }

  boolean awaitExit(long seconds) throws Exception {
    return jvm.awaitExit(Duration.ofSeconds(seconds)) != -1;
  }

  void kill9() throws Exception {
    jvm.kill();
  }

  String tail() {
    return jvm.tail(40);
  }

  @Override
  public void close() throws Exception {
    jvm.kill();
  }
}
