package dev.killboard.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A {@code bin/killboard} process of the unpacked distribution: its class path is the
 * installation's lib/ only. Its output (stdout and stderr) is kept, copied to a log file, and can
 * be awaited line by line.
 */
final class PackagedProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;
  private boolean ended;

  private PackagedProcess(String name, Process process, Path log) throws IOException {
    this.name = name;
    this.process = process;
    PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  copy) {
                String line;
                while ((line = in.readLine()) != null) {
                  copy.println(line);
                  synchronized (this) {
                    lines.add(line);
                    notifyAll();
                  }
                }
              } catch (IOException e) {
                // The process ended or was killed: what was read is kept.
              } finally {
                synchronized (this) {
                  ended = true;
                  notifyAll();
                }
              }
            },
            "output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code bin/killboard args} in {@code home} with exactly {@code env} (plus PATH and
   * JAVA_HOME).
   */
  static PackagedProcess start(
      Path home, String name, Map<String, String> env, Path logDir, String... args)
      throws IOException {
    return start(home, name, env, logDir, List.of(), args);
  }

  /**
   * Like {@link #start(Path, String, Map, Path, String...)}, run through {@code wrapper} (e.g.
   * {@code ip netns exec <ns>}, which keeps the environment and execs the command: the pid is the
   * command's own).
   */
  static PackagedProcess start(
      Path home,
      String name,
      Map<String, String> env,
      Path logDir,
      List<String> wrapper,
      String... args)
      throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.add(home.resolve("bin/killboard").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    // The JDK running the test, whatever java is on PATH.
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(env);
    return new PackagedProcess(
        name, builder.start(), logDir.resolve(name.replace(':', '-') + ".log"));
  }

  long pid() {
    return process.pid();
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as the OOM killer or a power loss ends a process: nothing of it runs any more. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGSTOP: the process stands still (a long GC pause), its sockets open, until {@link #resume()}.
   */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /**
   * Waits until a line matches {@code pattern}; fails with the output so far if the process ends or
   * time runs out.
   */
  synchronized String awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (true) {
      for (; seen < lines.size(); seen++) {
        if (pattern.matcher(lines.get(seen)).find()) {
          return lines.get(seen);
        }
      }
      long left = deadline - System.nanoTime();
      if (ended || left <= 0) {
        throw new AssertionError(
            name
                + ": no line matching /"
                + pattern
                + "/ "
                + (ended ? "before the process ended" : "within " + timeout.toSeconds() + " s")
                + "; output:\n"
                + String.join("\n", lines));
      }
      wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
    }
  }

  /**
   * Waits for the process to end and for its output to be read; the exit status, or empty on
   * timeout.
   */
  OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return OptionalInt.empty();
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return OptionalInt.of(process.exitValue());
  }

  synchronized String output() {
    return String.join("\n", lines);
  }

  /** SIGTERM, as systemd and Kubernetes stop a service. */
  void terminate() {
    process.destroy();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
