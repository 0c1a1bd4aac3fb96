package dev.killboard.cli;

import dev.killboard.embedded.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The chaos test's one superuser connection to PostgreSQL, shared by everything that watches the
 * server (the 50 ms sampler, the timeline, the polls). PostgreSQL keeps 3 slots for superusers and
 * the application may hold the other 22 (21 permits + 1 monitoring slot): a test that opened a
 * connection per watcher ran out of slots and was refused. Queries are serialised on the
 * connection; one that fails (the server restarting or down) drops it, and the next query connects
 * again, so a watcher only has to treat {@link SQLException} as "no answer this time".
 */
final class SuperuserSession implements AutoCloseable {
  /** A query's parameters. */
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** A query's answer, read from its result. */
  interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private final EmbeddedDatabase db;
  private Connection connection;
  private boolean closed;

  SuperuserSession(EmbeddedDatabase db) {
    this.db = db;
  }

  /** Runs one query on the shared connection, connecting first if there is none. */
  synchronized <T> T query(String sql, Binder binder, Reader<T> reader) throws SQLException {
    if (closed) {
      throw new SQLException("the test's superuser session is closed");
    }
    try {
      if (connection == null) {
        Properties props = new Properties();
        // An outage must not stall the watchers: refused at once, or given up after a few seconds.
        props.setProperty("connectTimeout", "3");
        props.setProperty("socketTimeout", "10");
        props.setProperty("ApplicationName", "chaos-test-monitor");
        connection = DriverManager.getConnection(db.superuserJdbcUrl(), props);
      }
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          return reader.read(rs);
        }
      }
    } catch (SQLException e) {
      drop();
      throw e;
    }
  }

  /** The application role whose connections the queries count. */
  String appUser() {
    return db.appUser();
  }

  /** Client connections of the application role right now. */
  int appConnections() throws SQLException {
    return query(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND backend_type = 'client backend'",
        ps -> ps.setString(1, db.appUser()),
        rs -> {
          rs.next();
          return rs.getInt(1);
        });
  }

  /**
   * Client connections of the application role per budget class (api, worker), told apart by
   * application_name.
   */
  int[] appConnectionsByClass() throws SQLException {
    return query(
        "SELECT count(*) FILTER (WHERE application_name LIKE 'killboard-api%'),"
            + " count(*) FILTER (WHERE application_name LIKE 'killboard-worker%') FROM pg_stat_activity"
            + " WHERE usename = ? AND backend_type = 'client backend'",
        ps -> ps.setString(1, db.appUser()),
        rs -> {
          rs.next();
          return new int[] {rs.getInt(1), rs.getInt(2)};
        });
  }

  /** The server process ids of the application role's client connections. */
  List<Integer> appBackends() throws SQLException {
    return query(
        "SELECT pid FROM pg_stat_activity WHERE usename = ? AND backend_type = 'client backend'",
        ps -> ps.setString(1, db.appUser()),
        rs -> {
          List<Integer> out = new ArrayList<>();
          while (rs.next()) {
            out.add(rs.getInt(1));
          }
          return out;
        });
  }

  private void drop() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the server is gone already; nothing to close cleanly
      }
      connection = null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    drop();
  }
}
