package dev.killboard.schema;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import java.io.PrintStream;
import java.util.Map;

/**
 * Command-line entry point for operators: {@code java -cp schema.jar
 * dev.killboard.schema.MigrateCommand} migrates the database named by {@code KILLBOARD_DB_URL} /
 * {@code KILLBOARD_DB_USER} / {@code KILLBOARD_DB_PASSWORD}. Exit status: 0 migrated or already
 * current, 2 bad configuration, 1 migration failed. The password is never printed.
 */
public final class MigrateCommand {

  /** Exit status for success. */
  public static final int OK = 0;

  /** Exit status when connecting or migrating failed. */
  public static final int FAILED = 1;

  /** Exit status when the configuration is missing or invalid. */
  public static final int BAD_CONFIGURATION = 2;

  private MigrateCommand() {}

  /** Runs the migration and exits with the status of {@link #run}. */
  public static void main(String[] args) {
    System.exit(run(System.getenv(), System.out, System.err));
  }

  /**
   * Runs the migration against {@code environment}, reporting to {@code out} and {@code err};
   * returns the exit status.
   */
  public static int run(Map<String, String> environment, PrintStream out, PrintStream err) {
    MigrationSettings settings;
    try {
      settings = Env.read(environment, MigrationSettings::from);
    } catch (ConfigurationException e) {
      err.println("Killboard schema migration: configuration error: " + e.getMessage());
      return BAD_CONFIGURATION;
    }
    String target = settings.jdbcUrl() + " as " + settings.user();
    String password = Secret.reveal(settings.password());
    out.println("Killboard schema migration: migrating " + target);
    try {
      MigrationResult result =
          SchemaMigrations.migrate(settings.jdbcUrl(), settings.user(), password);
      if (result.upToDate()) {
        out.println(
            "Schema is up to date at version " + result.versionAfter() + "; nothing to apply.");
      } else {
        out.println(
            "Applied "
                + result.migrationsExecuted()
                + " migration(s), version "
                + (result.versionBefore() == null ? "<empty>" : result.versionBefore())
                + " -> "
                + result.versionAfter()
                + ":");
        result.appliedMigrations().forEach(m -> out.println("  " + m));
      }
      return OK;
    } catch (SchemaMigrationException | IllegalArgumentException e) {
      err.println(
          "Killboard schema migration failed for "
              + target
              + ": "
              + SchemaMigrations.redact(e.getMessage(), password));
      return FAILED;
    }
  }
}
