package dev.killboard.cli.topology;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The processes {@code topology up} started on this host, tracked in a state directory: {@code
 * <name>.pid}, {@code <name>.instances} and {@code logs/<name>.log}. Each runs detached ({@code
 * bin/killboard run …} in a session of its own when {@code setsid} exists), so it outlives the
 * command that started it.
 */
final class LocalProcesses {
  /**
   * The line a process logs when its verticle has deployed (cluster-config's KillboardLauncher).
   */
  static final Pattern DEPLOYED = Pattern.compile("Killboard verticle .* deployed");

  /**
   * A process gets this long after SIGTERM; the launcher itself ends at the latest 30 s after it.
   */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final String COMMAND_CLASS = "dev.killboard.cli.KillboardCommand";

  private final Path stateDir;
  private final Path killboard;

  LocalProcesses(Path stateDir, Path killboard) {
    this.stateDir = stateDir;
    this.killboard = killboard;
  }

  Path stateDir() {
    return stateDir;
  }

  Path log(String name) {
    return stateDir.resolve("logs").resolve(name + ".log");
  }

  private Path pidFile(String name) {
    return stateDir.resolve(name + ".pid");
  }

  /**
   * The live process recorded for {@code name}; a stale pid file (process gone, pid reused) counts
   * as none.
   */
  Optional<ProcessHandle> running(String name) {
    Path file = pidFile(name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        // A reused pid belongs to some other program: only a Killboard command counts (when the OS
        // tells).
        .filter(h -> h.info().commandLine().map(c -> c.contains(COMMAND_CLASS)).orElse(true));
  }

  /** The instance count the process was last started with, if recorded. */
  Optional<Integer> instances(String name) {
    try {
      return Optional.of(
          Integer.parseInt(Files.readString(stateDir.resolve(name + ".instances")).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A process just started: what to await its deployment by. */
  record Started(TopologyProcess process, Process os, Path log, long logOffset) {}

  /** Starts {@code p} detached with exactly {@code env}; its output is appended to its log. */
  Started start(TopologyProcess p, Map<String, String> env) throws IOException {
    Files.createDirectories(stateDir.resolve("logs"));
    Path log = log(p.name());
    long offset = Files.exists(log) ? Files.size(log) : 0;
    List<String> command = new ArrayList<>();
    // A session of its own: a Ctrl-C in the operator's terminal does not reach the processes it
    // started.
    Optional.ofNullable(setsid()).ifPresent(command::add);
    command.add(killboard.toString());
    command.addAll(p.runArguments());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(env);
    Process os = builder.start();
    Files.writeString(pidFile(p.name()), os.pid() + "\n");
    Files.writeString(stateDir.resolve(p.name() + ".instances"), p.instances() + "\n");
    return new Started(p, os, log, offset);
  }

  /**
   * Waits until the process logged its deployed line. Fails naming the process and its log when it
   * ends first or the time runs out (the process is then left as it is: its log says why).
   */
  void awaitDeployed(Started s, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long offset = s.logOffset();
    StringBuilder partial = new StringBuilder();
    while (true) {
      try (RandomAccessFile in = new RandomAccessFile(s.log().toFile(), "r")) {
        if (in.length() > offset) {
          in.seek(offset);
          byte[] bytes = new byte[(int) Math.min(in.length() - offset, 1 << 20)];
          in.readFully(bytes);
          offset += bytes.length;
          partial.append(new String(bytes, StandardCharsets.UTF_8));
          int nl;
          while ((nl = partial.indexOf("\n")) >= 0) {
            if (DEPLOYED.matcher(partial.substring(0, nl)).find()) {
              return;
            }
            partial.delete(0, nl + 1);
          }
        }
      }
      if (!s.os().isAlive()) {
        throw new IOException(
            "process '"
                + s.process().name()
                + "' exited with status "
                + s.os().exitValue()
                + " before it deployed; see "
                + s.log());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "process '"
                + s.process().name()
                + "' (pid "
                + s.os().pid()
                + ") logged no 'Killboard verticle"
                + " … deployed' line within "
                + timeout.toSeconds()
                + " s; it is still running, see "
                + s.log()
                + " (KILLBOARD_TOPOLOGY_START sets the wait)");
      }
      // The log is a file the child writes; there is no event to await on it.
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /**
   * SIGTERM, then waits up to {@link #STOP_TIMEOUT}; true when it ended (its pid file is then
   * removed).
   */
  boolean stop(String name, ProcessHandle process) throws InterruptedException {
    process.destroy();
    try {
      process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
    try {
      Files.deleteIfExists(pidFile(name));
    } catch (IOException e) {
      // A stale pid file is recognised as such by running().
    }
    return true;
  }

  private static String setsid() {
    for (String dir : List.of("/usr/bin", "/bin")) {
      if (Files.isExecutable(Path.of(dir, "setsid"))) {
        return dir + "/setsid";
      }
    }
    return null;
  }
}
