package dev.killboard.schema;

import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * A new, empty database on the shared embedded server, owned by the non-superuser application role.
 */
final class FreshDatabase implements AutoCloseable {

  final EmbeddedDatabase server;
  final String name;

  private FreshDatabase(EmbeddedDatabase server, String name) {
    this.server = server;
    this.name = name;
  }

  static FreshDatabase create() {
    EmbeddedDatabase server = SharedServices.database();
    String name = "schema_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = server.superuserConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " OWNER \"" + server.appUser() + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return new FreshDatabase(server, name);
  }

  /** Creates a database and migrates it as the application role. */
  static FreshDatabase migrated() {
    FreshDatabase db = create();
    SchemaMigrations.migrate(db.jdbcUrl(), db.user(), db.password());
    return db;
  }

  /** Credential-free JDBC URL of this database. */
  String jdbcUrl() {
    return "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + name;
  }

  String user() {
    return server.appUser();
  }

  String password() {
    return server.appPassword();
  }

  /** A connection as the application role. */
  Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user());
    p.setProperty("password", password());
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  /** A superuser connection to this database, for checks the application role cannot make. */
  Connection superuser() throws SQLException {
    String url = server.superuserJdbcUrl().replace("/" + server.database() + "?", "/" + name + "?");
    return DriverManager.getConnection(url);
  }

  @Override
  public void close() {
    try (Connection c = server.superuserConnection();
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test database " + name, e);
    }
  }
}
