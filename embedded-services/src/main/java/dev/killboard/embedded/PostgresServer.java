package dev.killboard.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs initdb and pg_ctl for one data directory, as the {@link ServerAccount}. */
final class PostgresServer {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
  static final String SUPERUSER = "postgres";
  private static final String SETTINGS_FILE = "killboard.conf";
  private static final String LOG_FILE = "server.log";

  private final Path bin;
  private final Path dataDir;
  private final ServerAccount account;
  private volatile Process postmaster;

  PostgresServer(Path dataDir) {
    this.bin = PostgresBinaries.installDir().resolve("bin");
    this.dataDir = dataDir.toAbsolutePath();
    this.account = ServerAccount.current();
  }

  Path dataDir() {
    return dataDir;
  }

  /** Creates the cluster unless the directory already holds one; returns whether it did. */
  boolean initIfNeeded() throws IOException {
    if (Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
      return false;
    }
    Files.createDirectories(dataDir);
    checkReachable(dataDir.getParent());
    account.own(dataDir);
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            dataDir.toString(),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions"),
        120);
    // TCP only, like the managed server: the app role authenticates by password, the test superuser
    // is trusted.
    Files.writeString(
        dataDir.resolve("pg_hba.conf"),
        "host all "
            + SUPERUSER
            + " 127.0.0.1/32 trust\n"
            + "host all all 127.0.0.1/32 scram-sha-256\n",
        StandardCharsets.UTF_8);
    Files.writeString(
        dataDir.resolve("postgresql.conf"),
        "\ninclude_if_exists '" + SETTINGS_FILE + "'\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    account.own(dataDir.resolve("pg_hba.conf"));
    return true;
  }

  /** Lets every non-superuser role in from {@code cidr} by password (scram-sha-256); idempotent. */
  void allowPasswordClients(String cidr) throws IOException {
    Path hba = dataDir.resolve("pg_hba.conf");
    String line = "host all all " + cidr + " scram-sha-256\n";
    if (!Files.readString(hba, StandardCharsets.UTF_8).contains(line)) {
      Files.writeString(hba, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
  }

  /**
   * Writes the settings (read last, so they win) and starts the postmaster as a child of this JVM
   * (so the JVM reaps it, even where PID 1 does not), waiting until it reports ready.
   */
  void start(Map<String, String> settings) throws IOException {
    StringBuilder conf = new StringBuilder("# written by dev.killboard.embedded on every start\n");
    settings.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
    Path file = dataDir.resolve(SETTINGS_FILE);
    Files.writeString(file, conf, StandardCharsets.UTF_8);
    account.own(file);
    ProcessBuilder builder =
        new ProcessBuilder(
                account.command(
                    List.of(bin.resolve("postgres").toString(), "-D", dataDir.toString())))
            .directory(dataDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(LOG_FILE).toFile()));
    cleanEnvironment(builder);
    Process started = builder.start();
    started.getOutputStream().close();
    postmaster = started;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!isReady(started)) {
      if (!started.isAlive()) {
        throw new IOException(
            "PostgreSQL exited with code "
                + started.exitValue()
                + " while starting"
                + " (as "
                + account
                + ")\nserver log tail:\n"
                + logTail());
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IOException(
            "PostgreSQL did not become ready within 60 s\nserver log tail:\n" + logTail());
      }
      try {
        Thread.sleep(20); // the postmaster signals readiness only through its pid file
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IOException("Interrupted while PostgreSQL was starting", e);
      }
    }
  }

  /**
   * Ready = postmaster.pid names our process (or its direct child, with runuser) and says "ready",
   * as pg_ctl -w checks.
   */
  private boolean isReady(Process started) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return false;
    }
    if (lines.size() < 8 || !"ready".equals(lines.get(7).trim())) {
      return false;
    }
    try {
      long pid = Long.parseLong(lines.get(0).trim());
      return pid == started.pid()
          || ProcessHandle.of(pid)
              .flatMap(ProcessHandle::parent)
              .map(p -> p.pid() == started.pid())
              .orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Fast shutdown (disconnects clients); falls back to immediate when the server does not go down
   * in time.
   */
  void stop() {
    stop("fast");
  }

  /**
   * Stops in the given pg_ctl mode: {@code fast} (clients disconnected, clean shutdown) or {@code
   * immediate} (every process killed at once, crash recovery on the next start: what a crash or a
   * failover does to the clients).
   */
  void stop(String mode) {
    if (isRunning()) {
      try {
        run(pgCtlStop(mode), 60);
      } catch (IOException e) {
        LOG.warn(
            "Fast shutdown of PostgreSQL in {} failed, trying immediate: {}",
            dataDir,
            e.getMessage());
        try {
          run(pgCtlStop("immediate"), 30);
        } catch (IOException e2) {
          LOG.error("Could not stop PostgreSQL in {}: {}", dataDir, e2.getMessage());
        }
      }
    }
    Process child = postmaster;
    if (child != null) {
      try {
        // Reap our child; pg_ctl -w already waited for the server to go.
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      postmaster = null;
    }
  }

  /** Whether a postmaster owns this data directory right now. */
  boolean isRunning() {
    return Files.exists(dataDir.resolve("postmaster.pid"));
  }

  private List<String> pgCtlStop(String mode) {
    return List.of(
        bin.resolve("pg_ctl").toString(),
        "-D",
        dataDir.toString(),
        "-m",
        mode,
        "-w",
        "-t",
        "30",
        "stop");
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve(LOG_FILE), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  private void run(List<String> command, int timeoutSeconds) throws IOException {
    List<String> full = account.command(command);
    ProcessBuilder builder =
        new ProcessBuilder(full).redirectErrorStream(true).directory(dataDir.toFile());
    cleanEnvironment(builder);
    Process process = builder.start();
    process.getOutputStream().close();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("Timed out after " + timeoutSeconds + "s: " + full);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("Interrupted while running " + full, e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "Command failed (exit "
              + process.exitValue()
              + ", as "
              + account
              + "): "
              + full
              + "\n"
              + output.strip());
    }
    LOG.debug("{}: {}", command.get(0), output.strip());
  }

  /**
   * When the server runs as another account it must be able to traverse every ancestor of its data
   * directory.
   */
  private void checkReachable(Path dir) throws IOException {
    if (!account.switchesUser()) {
      return;
    }
    for (Path p = dir; p != null; p = p.getParent()) {
      if (!Files.getPosixFilePermissions(p)
          .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IllegalArgumentException(
            "dataDir "
                + dataDir
                + " is unreachable for the PostgreSQL account ("
                + account
                + ") because "
                + p
                + " is not world-traversable; choose a dataDir under "
                + System.getProperty("java.io.tmpdir")
                + " or chmod o+x "
                + p);
      }
    }
  }

  private static void cleanEnvironment(ProcessBuilder builder) {
    // Stray PG* variables (PGDATA, PGPORT, ...) from the caller's shell must not redirect the
    // tools.
    builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
    builder.environment().put("LC_ALL", "C");
  }

  /**
   * Stops servers and removes data directories left behind by JVMs that died without running their
   * shutdown hooks (kill -9), so crashed test runs do not leak postgres processes forever.
   */
  static void reapOrphans(Path parent) {
    if (!Files.isDirectory(parent)) {
      return;
    }
    List<Path> dead = new ArrayList<>();
    try (var dirs = Files.list(parent)) {
      dirs.forEach(
          dir -> {
            String name = dir.getFileName().toString();
            int dash = name.indexOf('-');
            try {
              long pid = Long.parseLong(dash < 0 ? name : name.substring(0, dash));
              if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                dead.add(dir);
              }
            } catch (NumberFormatException ignored) {
              // not one of ours
            }
          });
    } catch (IOException e) {
      LOG.debug("Cannot list {}: {}", parent, e.getMessage());
      return;
    }
    for (Path dir : dead) {
      try {
        PostgresServer server = new PostgresServer(dir.resolve("pgdata"));
        if (server.isRunning()) {
          LOG.info("Stopping orphaned embedded PostgreSQL in {}", dir);
          server.run(server.pgCtlStop("immediate"), 30);
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("No orphaned server stopped in {}: {}", dir, e.getMessage());
      }
      try {
        EmbeddedPaths.deleteRecursively(dir);
      } catch (IOException e) {
        LOG.debug("Could not delete {}: {}", dir, e.getMessage());
      }
    }
  }
}
