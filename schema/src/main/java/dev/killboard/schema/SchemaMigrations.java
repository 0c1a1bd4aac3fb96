package dev.killboard.schema;

import dev.killboard.config.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a PostgreSQL database to Killboard's current schema with the versioned Flyway migrations
 * in {@code classpath:db/migration}. Blocking JDBC: call it from a worker thread, never from an
 * event loop.
 *
 * <p>Runs as the application role (no superuser needed), on one physical connection: Flyway's
 * PostgreSQL lock is taken as a session advisory lock on that same connection, so concurrent starts
 * of several instances migrate once and the others wait, then find the schema current. {@code
 * clean} is disabled.
 */
public final class SchemaMigrations {

  /**
   * The version the bundled migrations end at; a test keeps it equal to the newest migration file.
   */
  public static final String LATEST_VERSION = "9";

  /** Flyway's history table, in the same schema as the tables. */
  public static final String HISTORY_TABLE = "flyway_schema_history";

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);
  private static final int CONNECT_TIMEOUT_SECONDS = 10;
  // A migration waits at most this long for a table lock instead of queueing behind (and then
  // blocking) live traffic.
  private static final String INIT_SQL = "SET lock_timeout = '30s'";

  /**
   * How long a start waits for the migration lock another process holds: Flyway tries the advisory
   * lock once a second this many times (its default, 50, would fail a worker whose start overlaps a
   * longer data migration).
   */
  static final int LOCK_WAIT_SECONDS = 600;

  private SchemaMigrations() {}

  /**
   * Migrates the database at {@code jdbcUrl}.
   *
   * @param jdbcUrl {@code jdbc:postgresql://…} or {@code postgresql://…}; may carry user and
   *     password itself
   * @param user the application role, or {@code null} to take it from the URL
   * @param password its password, or {@code null} to take it from the URL
   * @return what was applied
   * @throws IllegalArgumentException if the URL is unusable or names no user
   * @throws SchemaMigrationException if connecting or migrating failed (the message never contains
   *     the password)
   */
  public static MigrationResult migrate(String jdbcUrl, String user, String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    DatabaseUrl url = DatabaseUrl.parse(jdbcUrl);
    String effectiveUser = user != null ? user : url.user();
    if (effectiveUser == null) {
      throw new IllegalArgumentException(
          "no database user given and none in the URL " + url.jdbcUrl());
    }
    String effectivePassword = password != null ? password : Secret.reveal(url.password());
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url.jdbcUrl());
    dataSource.setUser(effectiveUser);
    if (effectivePassword != null) {
      dataSource.setPassword(effectivePassword);
    }
    dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
    dataSource.setApplicationName("killboard-schema-migrate");
    try {
      return migrate(dataSource);
    } catch (SchemaMigrationException e) {
      String redacted = redact(e.getMessage(), effectivePassword);
      if (redacted.equals(e.getMessage())) {
        throw e;
      }
      throw new SchemaMigrationException(redacted, null);
    }
  }

  /**
   * Migrates the database behind {@code dataSource}, which must hand out connections as the
   * application role. At most one connection is open at a time.
   */
  public static MigrationResult migrate(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    Flyway flyway =
        Flyway.configure(SchemaMigrations.class.getClassLoader())
            // Non-transactional lock = session advisory lock on the migration connection itself, so
            // Flyway needs no second connection to hold it (each physical connection is budgeted in
            // this project).
            .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
            .dataSource(dataSource)
            .locations("classpath:db/migration")
            .table(HISTORY_TABLE)
            .loggers("slf4j")
            .initSql(INIT_SQL)
            .lockRetryCount(LOCK_WAIT_SECONDS)
            .cleanDisabled(true)
            .validateMigrationNaming(true)
            .baselineOnMigrate(false)
            .outOfOrder(false)
            .load();
    MigrateResult result;
    try {
      result = flyway.migrate();
    } catch (FlywayException e) {
      throw new SchemaMigrationException("schema migration failed: " + describe(e), e);
    }
    if (!result.success) {
      throw new SchemaMigrationException(
          "schema migration did not complete (version "
              + result.targetSchemaVersion
              + "): "
              + String.join("; ", result.warnings),
          null);
    }
    List<String> applied = new ArrayList<>();
    for (MigrateOutput m : result.migrations) {
      applied.add("V" + m.version + " " + m.description);
    }
    // Flyway takes its lock once per migration, so concurrent starters may share the work:
    // targetSchemaVersion
    // is then the last migration this run applied, not where the schema stands. Ask the history
    // table.
    MigrationInfo current;
    try {
      current = flyway.info().current();
    } catch (FlywayException e) {
      throw new SchemaMigrationException(
          "schema version could not be read after migrating: " + describe(e), e);
    }
    String after =
        current != null && current.getVersion() != null ? current.getVersion().getVersion() : null;
    if (after == null) {
      throw new SchemaMigrationException(
          "schema migration found no migrations on the classpath (db/migration)", null);
    }
    MigrationResult outcome = new MigrationResult(result.initialSchemaVersion, after, applied);
    if (outcome.upToDate()) {
      LOG.info("Schema is up to date at version {}", after);
    } else {
      LOG.info(
          "Schema migrated from version {} to {}: {}", result.initialSchemaVersion, after, applied);
    }
    return outcome;
  }

  // Flyway wraps the SQLException; the causes carry the server's reason (and SQL state).
  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()).strip());
    Throwable cause = e.getCause();
    for (int depth = 0; cause != null && depth < 5; depth++, cause = cause.getCause()) {
      String m = cause.getMessage();
      if (m != null && !sb.toString().contains(m.strip())) {
        sb.append(" | caused by: ").append(m.strip());
      }
    }
    return sb.toString();
  }

  static String redact(String message, String password) {
    if (message == null) {
      return "";
    }
    String s = DatabaseUrl.redact(message);
    return password == null || password.isEmpty() ? s : s.replace(password, "****");
  }
}
