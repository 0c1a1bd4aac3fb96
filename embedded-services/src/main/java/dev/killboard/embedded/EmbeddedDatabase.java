package dev.killboard.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 16 server configured like production (DigitalOcean 1 GiB: max_connections=25,
 * superuser_reserved_connections=3), with a non-superuser application role owning the application
 * database.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final String HOST = "127.0.0.1";
  private static final int START_ATTEMPTS = 3;
  private static boolean reaped;

  private final Options options;
  private final PostgresServer server;
  private final Path ownedDir;
  private final int port;
  private final Thread shutdownHook;
  private boolean closed;

  private EmbeddedDatabase(Options options, PostgresServer server, Path ownedDir, int port) {
    this.options = options;
    this.server = server;
    this.ownedDir = ownedDir;
    this.port = port;
    this.shutdownHook = new Thread(this::closeOnExit, "embedded-postgres-stop-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a server on a free port with a fresh temporary data directory (deleted on close). */
  public static EmbeddedDatabase start() {
    return start(Options.defaults());
  }

  /** Starts a server with the given options; an existing data directory is reused with its data. */
  public static EmbeddedDatabase start(Options options) {
    Objects.requireNonNull(options, "options");
    Path dataParent = EmbeddedPaths.baseDir().resolve("data");
    synchronized (EmbeddedDatabase.class) {
      if (!reaped) {
        reaped = true;
        PostgresServer.reapOrphans(dataParent);
      }
    }
    Path ownedDir = null;
    Path dataDir = options.dataDir;
    if (dataDir == null) {
      // The JVM pid prefix lets a later run reap this directory if this JVM is killed.
      ownedDir =
          dataParent.resolve(
              ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
      dataDir = ownedDir.resolve("pgdata");
    }
    PostgresServer server = new PostgresServer(dataDir);
    try {
      server.initIfNeeded();
      if (options.clientSubnet != null) {
        server.allowPasswordClients(options.clientSubnet);
      }
      int port = startOnPort(server, options);
      EmbeddedDatabase database = new EmbeddedDatabase(options, server, ownedDir, port);
      try {
        database.bootstrap();
      } catch (SQLException e) {
        database.close();
        throw new IllegalStateException(
            "Could not create role '"
                + options.appUser
                + "' and database '"
                + options.database
                + "': "
                + e.getMessage(),
            e);
      }
      LOG.info(
          "Embedded PostgreSQL on {}:{}{} (data {}, max_connections={}, superuser_reserved_connections={})",
          HOST,
          port,
          options.listenAddress == null
              ? ""
              : " and " + options.listenAddress + " (clients of " + options.clientSubnet + ")",
          dataDir,
          options.maxConnections,
          options.superuserReserved);
      return database;
    } catch (IOException e) {
      server.stop();
      deleteQuietly(ownedDir);
      throw new IllegalStateException(
          "Could not start embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  private static int startOnPort(PostgresServer server, Options options) throws IOException {
    IOException last = null;
    // A random port can be taken between probing and binding; a fixed port gets one attempt.
    for (int attempt = 0; attempt < (options.port == 0 ? START_ATTEMPTS : 1); attempt++) {
      int port = options.port == 0 ? freePort() : options.port;
      try {
        server.start(settings(options, port));
        return port;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static Map<String, String> settings(Options options, int port) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(
        "listen_addresses",
        "'" + HOST + (options.listenAddress == null ? "" : "," + options.listenAddress) + "'");
    s.put("port", Integer.toString(port));
    s.put("unix_socket_directories", "''");
    s.put("max_connections", Integer.toString(options.maxConnections));
    s.put("superuser_reserved_connections", Integer.toString(options.superuserReserved));
    s.put("reserved_connections", "0");
    s.put("password_encryption", "'scram-sha-256'");
    // Durability is not what the tests measure; speed is.
    s.put("fsync", "off");
    s.put("synchronous_commit", "off");
    s.put("full_page_writes", "off");
    s.put("shared_buffers", "'32MB'");
    s.put("huge_pages", "off");
    s.put("timezone", "'UTC'");
    s.put("log_min_messages", "warning");
    s.put("log_connections", "off");
    s.put("log_disconnections", "off");
    s.put("log_statement", "'none'");
    return s;
  }

  private void bootstrap() throws SQLException {
    try (Connection c =
            DriverManager.getConnection(jdbcUrl("postgres", PostgresServer.SUPERUSER, null));
        Statement st = c.createStatement()) {
      String role = quoteIdent(options.appUser);
      String password = "'" + options.appPassword.replace("'", "''") + "'";
      boolean roleExists;
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        ps.setString(1, options.appUser);
        try (ResultSet rs = ps.executeQuery()) {
          roleExists = rs.next();
        }
      }
      st.execute(
          (roleExists ? "ALTER ROLE " : "CREATE ROLE ")
              + role
              + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD "
              + password);
      boolean dbExists;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        ps.setString(1, options.database);
        try (ResultSet rs = ps.executeQuery()) {
          dbExists = rs.next();
        }
      }
      if (!dbExists) {
        st.execute("CREATE DATABASE " + quoteIdent(options.database) + " OWNER " + role);
      }
    }
  }

  /** Always {@code 127.0.0.1}: the server listens on loopback only. */
  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  /** The application database ({@code killboard} by default), owned by {@link #appUser()}. */
  public String database() {
    return options.database;
  }

  /**
   * The non-superuser LOGIN role ({@code killboard} by default); authenticates with scram-sha-256.
   */
  public String appUser() {
    return options.appUser;
  }

  public String appPassword() {
    return options.appPassword;
  }

  /**
   * {@code jdbc:postgresql://127.0.0.1:<port>/<database>?user=<appUser>&password=<appPassword>}.
   */
  public String appJdbcUrl() {
    return jdbcUrl(options.database, options.appUser, options.appPassword);
  }

  /**
   * JDBC URL of the {@code postgres} superuser (trusted on loopback, no password) on the
   * application database.
   */
  public String superuserJdbcUrl() {
    return jdbcUrl(options.database, PostgresServer.SUPERUSER, null);
  }

  /** A new superuser connection for assertions; it can use one of the superuser-reserved slots. */
  public Connection superuserConnection() throws SQLException {
    return DriverManager.getConnection(superuserJdbcUrl());
  }

  /** Runs {@code statements} as superuser (test set-up and clean-up). */
  public void execute(String statements) throws SQLException {
    try (Connection c = superuserConnection();
        Statement s = c.createStatement()) {
      s.execute(statements);
    }
  }

  /** The rows of {@code query}, run as superuser, each a map from column label to value. */
  public List<Map<String, Object>> rows(String query) throws SQLException {
    try (Connection c = superuserConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      List<Map<String, Object>> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    }
  }

  /** The first column of {@code query}'s first row as a number (a count, typically; NULL is 0). */
  public long count(String query) throws SQLException {
    List<Map<String, Object>> rows = rows(query);
    if (rows.isEmpty()) {
      throw new SQLException("no row: " + query);
    }
    Object first = rows.get(0).values().iterator().next();
    return first == null ? 0 : ((Number) first).longValue(); // as ResultSet.getLong reads NULL
  }

  /**
   * Client backends of the application role right now, from {@code pg_stat_activity}. A just-closed
   * connection can be counted for a few milliseconds more while its backend exits.
   */
  public int countAppConnections() {
    return querySingleInt(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND backend_type = 'client backend'");
  }

  /** The server process ids of the application role's client connections. */
  public List<Integer> appBackends() {
    String sql =
        "SELECT pid FROM pg_stat_activity WHERE usename = ? AND backend_type = 'client backend'";
    try (Connection c =
            DriverManager.getConnection(jdbcUrl("postgres", PostgresServer.SUPERUSER, null));
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, options.appUser);
      List<Integer> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Query on embedded PostgreSQL failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  /**
   * Terminates every application-role backend, waiting up to 5 s for each to exit; returns how many
   * went.
   */
  public int terminateAppConnections() {
    return querySingleInt(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
            + " WHERE usename = ? AND backend_type = 'client backend'");
  }

  /** {@code ALTER ROLE <appUser> CONNECTION LIMIT n}; -1 removes the limit. */
  public void setAppRoleConnectionLimit(int limit) {
    if (limit < -1) {
      throw new IllegalArgumentException(
          "connection limit must be -1 (none) or >= 0, was " + limit);
    }
    try (Connection c = superuserConnection();
        Statement st = c.createStatement()) {
      st.execute("ALTER ROLE " + quoteIdent(options.appUser) + " CONNECTION LIMIT " + limit);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "ALTER ROLE " + options.appUser + " CONNECTION LIMIT failed: " + e.getMessage(), e);
    }
  }

  /**
   * Stops the server (fast shutdown, clients are disconnected) and starts it again on the same port
   * and data.
   */
  public synchronized void restart() {
    restart("fast");
  }

  /**
   * Restarts like {@code pg_ctl restart -m immediate}: every backend dies at once without a goodbye
   * to its client, and the server recovers from its WAL on the way up.
   */
  public synchronized void restartImmediate() {
    restart("immediate");
  }

  /**
   * Stops the server immediately (an outage begins: clients are refused until {@link
   * #startAgain()}).
   */
  public synchronized void stopImmediate() {
    checkOpen();
    server.stop("immediate");
  }

  /** Starts the server again on the same port and data after {@link #stopImmediate()}. */
  public synchronized void startAgain() {
    checkOpen();
    try {
      server.start(settings(options, port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Could not restart embedded PostgreSQL on port " + port + ": " + e.getMessage(), e);
    }
  }

  private void restart(String mode) {
    checkOpen();
    server.stop(mode);
    try {
      server.start(settings(options, port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Could not restart embedded PostgreSQL on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** Stops the server; a temporary data directory is deleted, a configured one is kept. */
  private synchronized void closeOnExit() {
    if (!closed) {
      closed = true;
      stopQuietly();
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
      // the hook is running or about to; stopping twice is harmless
    }
    stopQuietly();
  }

  private void stopQuietly() {
    server.stop();
    deleteQuietly(ownedDir);
  }

  private int querySingleInt(String sql) {
    try (Connection c =
            DriverManager.getConnection(jdbcUrl("postgres", PostgresServer.SUPERUSER, null));
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, options.appUser);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Query on embedded PostgreSQL failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  private String jdbcUrl(String db, String user, String password) {
    String url = "jdbc:postgresql://" + HOST + ":" + port + "/" + db + "?user=" + encode(user);
    return password == null ? url : url + "&password=" + encode(password);
  }

  private synchronized void checkOpen() {
    if (closed) {
      throw new IllegalStateException("EmbeddedDatabase on port " + port + " is closed");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String quoteIdent(String identifier) {
    return "\"" + identifier + "\"";
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
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

  @Override
  public String toString() {
    return "EmbeddedDatabase["
        + HOST
        + ":"
        + port
        + "/"
        + options.database
        + ", data "
        + server.dataDir()
        + "]";
  }

  /** Start options; every setter validates and returns a copy, so defaults can be shared. */
  public static final class Options {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern IPV4 =
        Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV4_CIDR = Pattern.compile(IPV4.pattern() + "/(3[0-2]|[12]?\\d)");

    private final int port;
    private final Path dataDir;
    private final int maxConnections;
    private final int superuserReserved;
    private final String appUser;
    private final String appPassword;
    private final String database;
    private final String listenAddress;
    private final String clientSubnet;

    private Options(
        int port,
        Path dataDir,
        int maxConnections,
        int superuserReserved,
        String appUser,
        String appPassword,
        String database) {
      this(
          port,
          dataDir,
          maxConnections,
          superuserReserved,
          appUser,
          appPassword,
          database,
          null,
          null);
    }

    private Options(
        int port,
        Path dataDir,
        int maxConnections,
        int superuserReserved,
        String appUser,
        String appPassword,
        String database,
        String listenAddress,
        String clientSubnet) {
      this.port = port;
      this.dataDir = dataDir;
      this.maxConnections = maxConnections;
      this.superuserReserved = superuserReserved;
      this.appUser = appUser;
      this.appPassword = appPassword;
      this.database = database;
      this.listenAddress = listenAddress;
      this.clientSubnet = clientSubnet;
    }

    /**
     * Listens on {@code address} too (besides 127.0.0.1) and lets the application role in by
     * password from {@code clientSubnet} (an IPv4 CIDR such as {@code 10.213.7.0/24}): other hosts,
     * e.g. network namespaces on a bridge, reach the server there. The superuser stays
     * loopback-only. The address must exist when the server starts. Default: loopback only.
     */
    public Options alsoListenOn(String address, String clientSubnet) {
      if (address == null || !IPV4.matcher(address).matches()) {
        throw new IllegalArgumentException(
            "listen address must be an IPv4 address such as 10.213.7.1, was '" + address + "'");
      }
      if (clientSubnet == null || !IPV4_CIDR.matcher(clientSubnet).matches()) {
        throw new IllegalArgumentException(
            "client subnet must be an IPv4 CIDR such as 10.213.7.0/24, was '" + clientSubnet + "'");
      }
      return new Options(
          port,
          dataDir,
          maxConnections,
          superuserReserved,
          appUser,
          appPassword,
          database,
          address,
          clientSubnet);
    }

    /**
     * Production-like defaults: free port, temp data dir, 25 connections, 3 reserved, role and db
     * "killboard".
     */
    public static Options defaults() {
      return new Options(0, null, 25, 3, "killboard", "killboard-test-password", "killboard");
    }

    /** 0 picks a free port. */
    public Options port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 (free port) or 1-65535, was " + port);
      }
      return new Options(
          port,
          dataDir,
          maxConnections,
          superuserReserved,
          appUser,
          appPassword,
          database,
          listenAddress,
          clientSubnet);
    }

    /**
     * A data directory kept across runs (null = a temporary one deleted on close). When this JVM
     * runs as root, its parent directories must be traversable by the unprivileged server account.
     */
    public Options dataDir(Path dataDir) {
      return new Options(
          port,
          dataDir == null ? null : dataDir.toAbsolutePath(),
          maxConnections,
          superuserReserved,
          appUser,
          appPassword,
          database,
          listenAddress,
          clientSubnet);
    }

    public Options maxConnections(int maxConnections) {
      if (maxConnections < 2 || maxConnections > 10_000) {
        throw new IllegalArgumentException("maxConnections must be 2-10000, was " + maxConnections);
      }
      return new Options(
              port,
              dataDir,
              maxConnections,
              superuserReserved,
              appUser,
              appPassword,
              database,
              listenAddress,
              clientSubnet)
          .checkReserved();
    }

    public Options superuserReserved(int superuserReserved) {
      return new Options(
              port,
              dataDir,
              maxConnections,
              superuserReserved,
              appUser,
              appPassword,
              database,
              listenAddress,
              clientSubnet)
          .checkReserved();
    }

    public Options appUser(String appUser) {
      return new Options(
          port,
          dataDir,
          maxConnections,
          superuserReserved,
          identifier("appUser", appUser),
          appPassword,
          database,
          listenAddress,
          clientSubnet);
    }

    public Options appPassword(String appPassword) {
      if (appPassword == null || appPassword.isEmpty()) {
        throw new IllegalArgumentException("appPassword must not be empty");
      }
      return new Options(
          port,
          dataDir,
          maxConnections,
          superuserReserved,
          appUser,
          appPassword,
          database,
          listenAddress,
          clientSubnet);
    }

    public Options database(String database) {
      return new Options(
          port,
          dataDir,
          maxConnections,
          superuserReserved,
          appUser,
          appPassword,
          identifier("database", database),
          listenAddress,
          clientSubnet);
    }

    private Options checkReserved() {
      if (superuserReserved < 0 || superuserReserved >= maxConnections) {
        throw new IllegalArgumentException(
            "superuserReserved must be 0 to maxConnections-1 ("
                + (maxConnections - 1)
                + "), was "
                + superuserReserved);
      }
      return this;
    }

    private static String identifier(String setting, String value) {
      if (value == null || !IDENTIFIER.matcher(value).matches()) {
        throw new IllegalArgumentException(
            setting
                + " must be a lower-case SQL identifier ([a-z_][a-z0-9_]*), was '"
                + value
                + "'");
      }
      if (value.equals(PostgresServer.SUPERUSER)) {
        throw new IllegalArgumentException(
            setting
                + " must not be '"
                + PostgresServer.SUPERUSER
                + "' (reserved for the superuser)");
      }
      return value;
    }
  }
}
