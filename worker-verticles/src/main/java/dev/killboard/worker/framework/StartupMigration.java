package dev.killboard.worker.framework;

import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.budget.PoolProfile;
import dev.killboard.schema.SchemaMigrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database to the schema this worker was built for before any worker of the process (or the backfill)
 * touches it, so workers, the backfill and the API can start in any order. Flyway serialises concurrent runs with a PostgreSQL advisory lock on
 * its migration connection (taken once per migration): concurrent starters take turns and each migration is applied
 * once; a starter is done when the schema is current. The migration connection is opened while holding one worker
 * permit, so it counts against the connection budget like every pooled connection.
 */
public final class StartupMigration {
  private static final Logger LOG = LoggerFactory.getLogger(StartupMigration.class);
  // Once per Vert.x instance and database, however many worker instances start.
  private static final Map<String, Future<Void>> RUNS = new ConcurrentHashMap<>();
  private static final long PROGRESS_LOG_MS = 10_000;

  private StartupMigration() {
  }

  /** Migrates once per Vert.x instance and database; a failed run is forgotten, so the next deployment tries again. */
  public static Future<Void> ensure(Vertx vertx, ConnectionBudget budget) {
    DatabaseSettings db = budget.databaseSettings();
    String key = System.identityHashCode(vertx) + "|" + db.jdbcUrl() + "|" + db.user();
    return RUNS.computeIfAbsent(key, k -> {
      long started = System.nanoTime();
      // Flyway waits for another process's lock silently; say what this process is waiting for.
      long timer = vertx.setPeriodic(PROGRESS_LOG_MS, id -> LOG.info("still waiting for the schema migration to version"
          + " {} ({} s): migrating, or waiting for the migration lock another process holds",
          SchemaMigrations.LATEST_VERSION, (System.nanoTime() - started) / 1_000_000_000L));
      // A shortage delays the migration (and the start), it does not fail it.
      Future<Void> run = budget.<Void>withPermitWhenFree(PoolProfile.WORKER_CLASS, "schema-migration", () -> {
        SchemaMigrations.migrate(db.jdbcUrl(), db.user(), db.password());
        return null;
      }).onComplete(ar -> vertx.cancelTimer(timer));
      // Not inside computeIfAbsent: a run that failed at once would otherwise update the map recursively.
      run.onFailure(e -> vertx.runOnContext(v -> RUNS.remove(k, run)));
      return run;
    });
  }
}
