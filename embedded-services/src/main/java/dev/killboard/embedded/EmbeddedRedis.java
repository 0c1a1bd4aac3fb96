package dev.killboard.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/** A real Redis server (the binary shipped in the embedded-redis artifact), bound to 127.0.0.1. */
public final class EmbeddedRedis implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
  private static final String HOST = "127.0.0.1";
  private static final int START_ATTEMPTS = 3;
  private static boolean reaped;

  private final Options options;
  private final Path dir;
  private final int port;
  private final RedisServer server;
  private final Thread shutdownHook;
  private boolean closed;

  private EmbeddedRedis(Options options, Path dir, int port, RedisServer server) {
    this.options = options;
    this.dir = dir;
    this.port = port;
    this.server = server;
    this.shutdownHook = new Thread(this::closeOnExit, "embedded-redis-stop-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a non-persistent server on a free port. */
  public static EmbeddedRedis start() {
    return start(Options.defaults());
  }

  /** Starts a non-persistent server on the given port (0 = a free port). */
  public static EmbeddedRedis start(int port) {
    return start(Options.defaults().port(port));
  }

  /** Starts a server with {@code appendonly yes}, so {@link #restart()} keeps the data. */
  public static EmbeddedRedis startPersistent() {
    return start(Options.defaults().appendOnly(true));
  }

  /** Starts a server with the given options. */
  public static EmbeddedRedis start(Options options) {
    Objects.requireNonNull(options, "options");
    Path parent = EmbeddedPaths.baseDir().resolve("redis");
    synchronized (EmbeddedRedis.class) {
      if (!reaped) {
        reaped = true;
        reapOrphans(parent);
      }
    }
    // The JVM pid prefix lets a later run find and stop this server if this JVM is killed.
    Path dir =
        parent.resolve(
            ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
    IOException last = null;
    try {
      Files.createDirectories(dir);
      for (int attempt = 0; attempt < (options.port == 0 ? START_ATTEMPTS : 1); attempt++) {
        int port = options.port == 0 ? freePort() : options.port;
        RedisServer server =
            RedisServer.newRedisServer()
                .executableProvider(ExecutableProvider.newJarResourceProvider(dir.toFile()))
                .bind(options.alsoBind == null ? HOST : HOST + " " + options.alsoBind)
                .port(port)
                .setting("dir " + dir)
                .setting("pidfile " + dir.resolve("redis.pid"))
                .setting("save \"\"")
                .setting("appendonly " + (options.appendOnly ? "yes" : "no"))
                .setting("appendfsync " + (options.fsyncAlways ? "always" : "everysec"))
                // Protected mode refuses non-loopback clients of a server without a password.
                .setting("protected-mode " + (options.alsoBind == null ? "yes" : "no"))
                .setting("loglevel notice")
                .soutListener(line -> LOG.debug("redis:{} {}", port, line))
                .serrListener(line -> LOG.debug("redis:{} {}", port, line))
                .build();
        try {
          server.start();
          LOG.info(
              "Embedded Redis on {}:{}{} (appendonly {}, appendfsync {})",
              HOST,
              port,
              options.alsoBind == null ? "" : " and " + options.alsoBind,
              options.appendOnly ? "yes" : "no",
              options.fsyncAlways ? "always" : "everysec");
          return new EmbeddedRedis(options, dir, port, server);
        } catch (IOException e) {
          last = e;
        }
      }
    } catch (IOException e) {
      last = e;
    }
    deleteQuietly(dir);
    throw new IllegalStateException("Could not start embedded Redis: " + last.getMessage(), last);
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://" + HOST + ":" + port;
  }

  /**
   * {@code redis://<address>:<port>} for clients on another host; {@code address} must be one the
   * server binds.
   */
  public String uri(String address) {
    if (!HOST.equals(address) && !address.equals(options.alsoBind)) {
      throw new IllegalArgumentException(
          "Redis binds "
              + HOST
              + (options.alsoBind == null ? "" : " and " + options.alsoBind)
              + " only, not "
              + address
              + " (see Options.alsoBind)");
    }
    return "redis://" + address + ":" + port;
  }

  /** Whether data survives {@link #restart()} ({@code appendonly yes}). */
  public boolean persistent() {
    return options.appendOnly;
  }

  /**
   * Stops (SIGTERM, clients disconnected) and starts again on the same port; data survives only
   * when persistent.
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("EmbeddedRedis on port " + port + " is closed");
    }
    try {
      server.stop();
      server.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Could not restart embedded Redis on port " + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Kills the server with SIGKILL, as a crash would: no goodbye to clients and no final AOF flush,
   * so only writes already on disk survive ({@code appendfsync always}: every acknowledged write;
   * {@code everysec}: all but up to the last second). The directory stays; {@link #startAgain()}
   * brings it back on the same port and data.
   */
  public synchronized void kill() {
    Path pidFile = dir.resolve("redis.pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      ProcessHandle handle =
          ProcessHandle.of(pid)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "Redis pid " + pid + " (" + pidFile + ") is not running"));
      handle.destroyForcibly();
      handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      // The library still counts its process as running: let it reap the dead one so that start()
      // starts anew.
      server.stop();
    } catch (IOException
        | NumberFormatException
        | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "Could not kill embedded Redis on port " + port + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while killing embedded Redis on port " + port, e);
    }
  }

  /**
   * Starts the server again on the same port and directory after {@link #stop()} or {@link
   * #kill()}.
   */
  public synchronized void startAgain() {
    if (closed) {
      throw new IllegalStateException("EmbeddedRedis on port " + port + " is closed");
    }
    try {
      server.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Could not start embedded Redis again on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** Stops the server but keeps its directory, so {@link #restart()} can bring it back. */
  public synchronized void stop() {
    try {
      server.stop();
    } catch (IOException e) {
      LOG.warn("Could not stop embedded Redis on port {}: {}", port, e.getMessage());
    }
  }

  /** Stops the server and deletes its directory. */
  private synchronized void closeOnExit() {
    if (!closed) {
      closed = true;
      stopAndDelete();
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or about to
    }
    stopAndDelete();
  }

  private void stopAndDelete() {
    stop();
    deleteQuietly(dir);
  }

  @Override
  public String toString() {
    return "EmbeddedRedis[" + uri() + "]";
  }

  /**
   * Kills redis servers whose JVM died without running its shutdown hooks, and removes their
   * directories.
   */
  private static void reapOrphans(Path parent) {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (var dirs = Files.list(parent)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        int dash = name.indexOf('-');
        long owner;
        try {
          owner = Long.parseLong(dash < 0 ? name : name.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        Path pidFile = dir.resolve("redis.pid");
        if (Files.isRegularFile(pidFile)) {
          try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .ifPresent(
                    p -> {
                      LOG.info("Stopping orphaned embedded Redis pid {}", pid);
                      p.destroy();
                    });
          } catch (IOException | NumberFormatException e) {
            LOG.debug("Unreadable {}: {}", pidFile, e.getMessage());
          }
        }
        deleteQuietly(dir);
      }
    } catch (IOException e) {
      LOG.debug("Cannot list {}: {}", parent, e.getMessage());
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      EmbeddedPaths.deleteRecursively(dir);
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.getMessage());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  /**
   * Start options: port (0 = free), append-only persistence, how often the AOF is synced, an
   * address to bind besides loopback.
   */
  public static final class Options {
    private static final java.util.regex.Pattern IPV4 =
        java.util.regex.Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private final int port;
    private final boolean appendOnly;
    private final String alsoBind;
    private final boolean fsyncAlways;

    private Options(int port, boolean appendOnly, String alsoBind, boolean fsyncAlways) {
      this.port = port;
      this.appendOnly = appendOnly;
      this.alsoBind = alsoBind;
      this.fsyncAlways = fsyncAlways;
    }

    /** A free port, no persistence, loopback only. */
    public static Options defaults() {
      return new Options(0, false, null, false);
    }

    /**
     * Binds {@code address} too (an IPv4 address that exists when the server starts), so other
     * hosts such as network namespaces on a bridge reach it. No password: only for test networks
     * this JVM creates.
     */
    public Options alsoBind(String address) {
      if (address == null || !IPV4.matcher(address).matches()) {
        throw new IllegalArgumentException(
            "bind address must be an IPv4 address such as 10.213.7.1, was '" + address + "'");
      }
      return new Options(port, appendOnly, address, fsyncAlways);
    }

    /**
     * {@code appendfsync always} instead of {@code everysec}: Redis syncs the AOF before it
     * acknowledges a write, so a {@link EmbeddedRedis#kill() kill -9} loses no acknowledged write
     * (everysec may lose the last second's).
     */
    public Options fsyncAlways(boolean always) {
      return new Options(port, appendOnly, alsoBind, always);
    }

    public Options port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 (free port) or 1-65535, was " + port);
      }
      return new Options(port, appendOnly, alsoBind, fsyncAlways);
    }

    /** {@code appendonly yes}: data survives {@link EmbeddedRedis#restart()}. */
    public Options appendOnly(boolean appendOnly) {
      return new Options(port, appendOnly, alsoBind, fsyncAlways);
    }
  }
}
