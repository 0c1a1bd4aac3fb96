package dev.killboard.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A JVM a test starts ({@code java -cp <class path> <main class> <args>}), its output (stdout and
 * stderr) collected line by line and offered to a listener, so that a test can await what the child
 * prints. Closing it stops the child: SIGTERM, then SIGKILL if it does not exit in time.
 */
public final class ChildJvm implements AutoCloseable {
  /**
   * Small heap, serial GC, IPv4, Hazelcast through SLF4J without phoning home: several children
   * share a CI host.
   */
  public static final List<String> DEFAULT_JVM_ARGS =
      List.of(
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-Djava.net.preferIPv4Stack=true",
          "-Dhazelcast.logging.type=slf4j",
          "-Dhazelcast.phone.home.enabled=false");

  private static final Duration STOP_GRACE = Duration.ofSeconds(60);

  /** Written by the module's maven-dependency-plugin execution {@code runtime-classpath}. */
  private static final Path RUNTIME_CLASSPATH_FILE = Path.of("target", "runtime-classpath.txt");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ChildJvm(Builder b) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.addAll(DEFAULT_JVM_ARGS);
    command.addAll(b.jvmArgs);
    command.addAll(
        List.of("-cp", b.classPath == null ? runtimeClassPath() : b.classPath, b.mainClass));
    command.addAll(b.args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (b.withoutInherited != null) {
      pb.environment().keySet().removeIf(k -> k.startsWith(b.withoutInherited));
    }
    pb.environment().putAll(b.env);
    process = pb.start();
    Consumer<String> onLine = b.onLine;
    reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.add(line);
                  onLine.accept(line);
                }
              } catch (IOException ignored) {
                // the child is gone
              }
              onLine.accept(null);
            },
            "child-jvm-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** A child running {@code mainClass}. */
  public static Builder of(Class<?> mainClass) {
    return of(mainClass.getName());
  }

  /** A child running the class named {@code mainClass}. */
  public static Builder of(String mainClass) {
    return new Builder(mainClass);
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Every line printed so far. */
  public String output() {
    return String.join("\n", output);
  }

  /**
   * The class path a deployed process has: the module's classes and its runtime dependencies as
   * Maven resolved them (no test scope: a class the tests bring cannot hide a missing runtime
   * dependency), plus the logging backend, which the distribution adds to every process too.
   */
  public static String runtimeClassPath() {
    if (!Files.isReadable(RUNTIME_CLASSPATH_FILE)) {
      throw new IllegalStateException(
          RUNTIME_CLASSPATH_FILE.toAbsolutePath()
              + " is missing: the module's pom must run maven-dependency-plugin's execution"
              + " 'runtime-classpath' (see the parent pom); run the test through Maven.");
    }
    List<String> entries = new ArrayList<>();
    entries.add(Path.of("target", "classes").toAbsolutePath().toString());
    try {
      String resolved = Files.readString(RUNTIME_CLASSPATH_FILE, StandardCharsets.UTF_8).trim();
      if (!resolved.isEmpty()) {
        entries.addAll(List.of(resolved.split(File.pathSeparator)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (path.getFileName().toString().startsWith("logback-")
          || path.toString().contains("test-support")) {
        entries.add(entry); // logback and the tests' logback-test.xml
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** The last {@code lines} lines printed so far, for a failure message. */
  public String tail(int lines) {
    List<String> all = new ArrayList<>(output);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** How many lines printed so far contain {@code text}. */
  public long linesContaining(String text) {
    return output.stream().filter(l -> l.contains(text)).count();
  }

  /** Writes one line to the child's standard input. */
  public void send(String line) {
    try {
      Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      w.write(line + "\n");
      w.flush();
    } catch (IOException e) {
      // already gone
    }
  }

  /**
   * The exit code once the child has exited and its output has been read to the end, or -1 when it
   * is still running after {@code within}.
   */
  public int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    reader.join(10_000); // the last lines are still in the pipe when the process has exited
    return process.exitValue();
  }

  /**
   * SIGTERM: the child's shutdown hooks run, and what they print is still read. (Through the
   * process handle: {@link Process#destroy()} also closes this side's pipes, and the child's last
   * lines would be lost.)
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /**
   * SIGKILL (on Linux): no shutdown hook, no goodbye to the cluster; returns once the child is
   * gone.
   */
  public void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL if the child still runs after a minute. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      terminate();
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    }
  }

  /** What to start. */
  public static final class Builder {
    private final String mainClass;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private String classPath;
    private String withoutInherited;
    private Consumer<String> onLine = line -> {};

    private Builder(String mainClass) {
      this.mainClass = mainClass;
    }

    /** JVM options after {@link #DEFAULT_JVM_ARGS} (a later option wins). */
    public Builder jvmArgs(String... options) {
      jvmArgs.addAll(List.of(options));
      return this;
    }

    /** The main class's arguments. */
    public Builder args(String... arguments) {
      args.addAll(List.of(arguments));
      return this;
    }

    /** Environment variables added to (or replacing) the inherited ones. */
    public Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /**
     * Drops the inherited variables whose names start with {@code prefix}, so that only {@link
     * #env} sets them.
     */
    public Builder withoutInherited(String prefix) {
      withoutInherited = prefix;
      return this;
    }

    /**
     * Starts the child on {@link #runtimeClassPath()} plus the module's test classes: for a main
     * class or verticle that only the tests define (a load node, a probe verticle).
     */
    public Builder withTestClasses() {
      classPath = runtimeClassPath() + File.pathSeparator + Path.of("target", "test-classes");
      return this;
    }

    /**
     * Called on the reader thread with each line, then once with {@code null} when the output ends.
     */
    public Builder onLine(Consumer<String> listener) {
      onLine = listener;
      return this;
    }

    public ChildJvm start() throws IOException {
      return new ChildJvm(this);
    }
  }
}
