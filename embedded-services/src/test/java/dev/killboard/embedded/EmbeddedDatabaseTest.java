package dev.killboard.embedded;

import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedDatabaseTest {

  private static EmbeddedDatabase db;

  @BeforeAll
  static void start() {
    db = EmbeddedDatabase.start();
  }

  @AfterAll
  static void stop() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void noAppConnectionsLeft() {
    eventually("no app connections", db::countAppConnections, n -> n == 0);
  }

  @Test
  void serverIsConfiguredLikeProduction() throws SQLException {
    try (Connection c = db.superuserConnection()) {
      assertThat(show(c, "max_connections")).isEqualTo("25");
      assertThat(show(c, "superuser_reserved_connections")).isEqualTo("3");
      assertThat(show(c, "reserved_connections")).isEqualTo("0");
      assertThat(show(c, "listen_addresses")).isEqualTo("127.0.0.1");
      assertThat(show(c, "server_version")).startsWith("16.");
    }
    assertThat(db.host()).isEqualTo("127.0.0.1");
    assertThat(db.database()).isEqualTo("killboard");
    assertThat(db.appJdbcUrl())
        .startsWith("jdbc:postgresql://127.0.0.1:" + db.port() + "/killboard?");
  }

  @Test
  void appRoleIsAnOrdinaryLoginRoleOwningTheDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(db.appJdbcUrl());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT current_user, r.rolsuper, r.rolcreaterole, r.rolcreatedb,"
                    + " pg_get_userbyid(d.datdba), current_database()"
                    + " FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("killboard");
      assertThat(rs.getBoolean(2)).as("rolsuper").isFalse();
      assertThat(rs.getBoolean(3)).as("rolcreaterole").isFalse();
      assertThat(rs.getBoolean(4)).as("rolcreatedb").isFalse();
      assertThat(rs.getString(5)).isEqualTo("killboard");
      assertThat(rs.getString(6)).isEqualTo("killboard");
      // The owner can create tables in the public schema, as migrations will.
      st.execute("CREATE TABLE owner_probe (id int)");
      st.execute("DROP TABLE owner_probe");
    }
  }

  @Test
  void appRoleNeedsItsPassword() {
    String url = "jdbc:postgresql://127.0.0.1:" + db.port() + "/killboard";
    assertThatThrownBy(() -> DriverManager.getConnection(url, db.appUser(), "wrong").close())
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
  }

  @Test
  void twentyTwoAppConnectionsFitAndTheTwentyThirdIsRefusedWith53300() throws SQLException {
    List<Connection> open = new ArrayList<>();
    try {
      Connection first = DriverManager.getConnection(db.appJdbcUrl());
      open.add(first);
      // Slots of connections closed just before (setup, other tests) are freed asynchronously: wait
      // until
      // this is the only client backend, so exactly 22 must fit.
      eventually("no other client backends", () -> otherClientBackends(first), n -> n == 0);
      for (int i = 2; i <= 22; i++) {
        open.add(DriverManager.getConnection(db.appJdbcUrl()));
      }
      assertThatThrownBy(() -> DriverManager.getConnection(db.appJdbcUrl()).close())
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53300"));
      // The superuser still gets in through a reserved slot.
      assertThat(db.countAppConnections()).isEqualTo(22);
    } finally {
      closeAll(open);
    }
  }

  @Test
  void countAppConnectionsTracksOpensAndCloses() throws SQLException {
    List<Connection> open = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        open.add(DriverManager.getConnection(db.appJdbcUrl()));
        assertThat(db.countAppConnections()).isEqualTo(i);
      }
      try (Connection su = db.superuserConnection()) {
        assertThat(db.countAppConnections())
            .as("superuser connections are not counted")
            .isEqualTo(3);
      }
      open.remove(0).close();
      eventually("two app connections", db::countAppConnections, n -> n == 2);
    } finally {
      closeAll(open);
    }
    eventually("no app connections", db::countAppConnections, n -> n == 0);
  }

  @Test
  void terminateAppConnectionsEndsEveryAppBackend() throws SQLException {
    List<Connection> open = new ArrayList<>();
    try {
      open.add(DriverManager.getConnection(db.appJdbcUrl()));
      open.add(DriverManager.getConnection(db.appJdbcUrl()));
      try (Connection su = db.superuserConnection()) {
        assertThat(db.terminateAppConnections()).isEqualTo(2);
        assertThat(db.countAppConnections()).isZero();
        assertThat(su.isValid(2)).as("superuser connection untouched").isTrue();
      }
      for (Connection c : open) {
        assertThatThrownBy(() -> query(c, "SELECT 1")).isInstanceOf(SQLException.class);
      }
    } finally {
      closeAll(open);
    }
  }

  @Test
  void roleConnectionLimitIsEnforcedAndCanBeLifted() throws SQLException {
    List<Connection> open = new ArrayList<>();
    db.setAppRoleConnectionLimit(2);
    try {
      open.add(DriverManager.getConnection(db.appJdbcUrl()));
      open.add(DriverManager.getConnection(db.appJdbcUrl()));
      assertThatThrownBy(() -> DriverManager.getConnection(db.appJdbcUrl()).close())
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getSQLState()).isEqualTo("53300");
                assertThat(e.getMessage()).contains("too many connections for role");
              });
      try (Connection su = db.superuserConnection()) {
        assertThat(query(su, "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'killboard'"))
            .isEqualTo("2");
      }
    } finally {
      db.setAppRoleConnectionLimit(-1);
      closeAll(open);
    }
    try (Connection su = db.superuserConnection()) {
      assertThat(query(su, "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'killboard'"))
          .isEqualTo("-1");
    }
  }

  @Test
  void restartKeepsDataAndPort() throws SQLException {
    int port = db.port();
    try (Connection c = DriverManager.getConnection(db.appJdbcUrl());
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE restart_probe (v text)");
      st.execute("INSERT INTO restart_probe VALUES ('survives')");
    }
    Connection before = DriverManager.getConnection(db.appJdbcUrl());
    try {
      db.restart();
      assertThat(db.port()).isEqualTo(port);
      assertThatThrownBy(() -> query(before, "SELECT 1"))
          .as("old connection was cut by the restart")
          .isInstanceOf(SQLException.class);
    } finally {
      before.close();
    }
    try (Connection c = DriverManager.getConnection(db.appJdbcUrl());
        Statement st = c.createStatement()) {
      assertThat(query(c, "SELECT v FROM restart_probe")).isEqualTo("survives");
      st.execute("DROP TABLE restart_probe");
    }
  }

  @Test
  void aKeptDataDirectoryIsReusedWithItsData() throws Exception {
    Path dir =
        Path.of(
            System.getProperty("java.io.tmpdir"), "killboard-embedded-test-" + UUID.randomUUID());
    EmbeddedDatabase.Options options =
        EmbeddedDatabase.Options.defaults().dataDir(dir).appPassword("s3cret'quote");
    try {
      try (EmbeddedDatabase first = EmbeddedDatabase.start(options);
          Connection c = DriverManager.getConnection(first.appJdbcUrl());
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE kept (v int)");
        st.execute("INSERT INTO kept VALUES (42)");
      }
      assertThat(dir.resolve("PG_VERSION")).exists();
      try (EmbeddedDatabase second = EmbeddedDatabase.start(options);
          Connection c = DriverManager.getConnection(second.appJdbcUrl())) {
        assertThat(query(c, "SELECT v FROM kept")).isEqualTo("42");
      }
    } finally {
      EmbeddedPaths.deleteRecursively(dir);
    }
  }

  @Test
  void optionsAreValidatedWithTheSettingName() {
    EmbeddedDatabase.Options defaults = EmbeddedDatabase.Options.defaults();
    assertThatThrownBy(() -> defaults.superuserReserved(25))
        .hasMessageContaining("superuserReserved");
    assertThatThrownBy(() -> defaults.appUser("Robert'); DROP")).hasMessageContaining("appUser");
    assertThatThrownBy(() -> defaults.database("postgres")).hasMessageContaining("database");
    assertThatThrownBy(() -> defaults.port(70000)).hasMessageContaining("port");
    assertThatThrownBy(() -> defaults.alsoListenOn("10.0.0", "10.0.0.0/24"))
        .hasMessageContaining("listen address");
    assertThatThrownBy(() -> defaults.alsoListenOn("10.0.0.1", "10.0.0.0"))
        .hasMessageContaining("client subnet");
  }

  @Test
  void listensOnAFurtherAddressOnlyWhenAsked() throws SQLException {
    // 127.0.0.2 is a loopback address on Linux that nothing binds by default: it stands for a
    // bridge address.
    String other = "jdbc:postgresql://127.0.0.2:" + db.port() + "/" + db.database();
    assertThatThrownBy(
            () -> DriverManager.getConnection(other, db.appUser(), db.appPassword()).close())
        .isInstanceOf(SQLException.class);
    try (EmbeddedDatabase wide =
            EmbeddedDatabase.start(
                EmbeddedDatabase.Options.defaults().alsoListenOn("127.0.0.2", "127.0.0.0/8"));
        Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.2:" + wide.port() + "/" + wide.database(),
                wide.appUser(),
                wide.appPassword())) {
      assertThat(query(c, "SELECT current_user")).isEqualTo(wide.appUser());
    }
  }

  private static int otherClientBackends(Connection c) {
    try {
      return Integer.parseInt(
          query(
              c,
              "SELECT count(*) FROM pg_stat_activity"
                  + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String show(Connection c, String setting) throws SQLException {
    return query(c, "SHOW " + setting);
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void closeAll(List<Connection> connections) throws SQLException {
    for (Connection c : connections) {
      c.close();
    }
  }
}
