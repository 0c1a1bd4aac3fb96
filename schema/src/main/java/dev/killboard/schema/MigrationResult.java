package dev.killboard.schema;

import java.util.List;
import java.util.Objects;

/**
 * What a migration run did.
 *
 * @param versionBefore schema version found before the run, {@code null} for an empty database
 * @param versionAfter schema version after the run
 * @param appliedMigrations migrations applied by this run, in order, as {@code "V<version>
 *     <description>"}; empty when the schema was already current
 */
public record MigrationResult(
    String versionBefore, String versionAfter, List<String> appliedMigrations) {

  /** Validates and freezes the components. */
  public MigrationResult {
    Objects.requireNonNull(versionAfter, "versionAfter");
    appliedMigrations = List.copyOf(appliedMigrations);
  }

  /** Number of migrations this run applied. */
  public int migrationsExecuted() {
    return appliedMigrations.size();
  }

  /** True when the run changed nothing. */
  public boolean upToDate() {
    return appliedMigrations.isEmpty();
  }
}
