package dev.killboard.store;

import com.hazelcast.map.IMap;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.budget.PoolProfile;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Secret;
import dev.killboard.runtime.PerVertx;
import dev.killboard.schema.SchemaMigrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database to the schema this worker was built for before any worker of the process (or
 * the backfill) touches it, so workers, the backfill and the API can start in any order. Flyway
 * serialises concurrent runs with a PostgreSQL advisory lock on its migration connection (taken
 * once per migration): concurrent starters take turns and each migration is applied once; a starter
 * is done when the schema is current. The migration connection is opened while holding one worker
 * permit, so it counts against the connection budget like every pooled connection.
 */
public final class StartupMigration {
  private static final Logger LOG = LoggerFactory.getLogger(StartupMigration.class);
  // Once per Vert.x instance and database, however many worker instances start; forgotten when
  // Vert.x closes.
  private static final PerVertx<Map<String, Future<Void>>> RUNS =
      PerVertx.of("worker schema migrations");
  private static final long PROGRESS_LOG_MS = 10_000;

  /**
   * Cluster-wide record of the schema version each database was migrated to (key: its JDBC URL).
   */
  public static final String VERSIONS_MAP = "killboard.schema.versions";

  private StartupMigration() {}

  /**
   * Migrates once per Vert.x instance and database; a failed run is forgotten, so the next
   * deployment tries again.
   */
  public static Future<Void> ensure(Vertx vertx, ConnectionBudget budget) {
    DatabaseSettings db = budget.databaseSettings();
    String key = db.jdbcUrl() + "|" + db.user();
    Map<String, Future<Void>> runs = RUNS.get(vertx, v -> new ConcurrentHashMap<>());
    return runs.computeIfAbsent(
        key,
        k -> {
          long started = System.nanoTime();
          // Flyway waits for another process's lock silently; say what this process is waiting for.
          long timer =
              vertx.setPeriodic(
                  PROGRESS_LOG_MS,
                  id ->
                      LOG.info(
                          "still waiting for the schema migration to version"
                              + " {} ({} s): migrating, or waiting for the migration lock another process holds",
                          SchemaMigrations.LATEST_VERSION,
                          (System.nanoTime() - started) / 1_000_000_000L));
          // The cluster records the version a process migrated to: a process started later (during
          // a shortage, say) needs no connection to know the schema is current. A shortage delays a
          // real migration; it does not fail it.
          IMap<String, String> versions = ClusteredVertx.hazelcast(vertx).getMap(VERSIONS_MAP);
          String database = db.jdbcUrl();
          Future<Void> run =
              vertx
                  .<String>executeBlocking(() -> versions.get(database), false)
                  .compose(
                      recorded -> {
                        if (recorded != null
                            && Integer.parseInt(recorded)
                                >= Integer.parseInt(SchemaMigrations.LATEST_VERSION)) {
                          LOG.info(
                              "schema at version {} (migrated by another process of the cluster): no migration needed",
                              recorded);
                          return Future.<Void>succeededFuture();
                        }
                        return budget.<Void>withPermitWhenFree(
                            PoolProfile.WORKER_CLASS,
                            "schema-migration",
                            () -> {
                              SchemaMigrations.migrate(
                                  db.jdbcUrl(), db.user(), Secret.reveal(db.password()));
                              versions.put(database, SchemaMigrations.LATEST_VERSION);
                              return null;
                            });
                      })
                  .onComplete(ar -> vertx.cancelTimer(timer));
          // Not inside computeIfAbsent: a run that failed at once would otherwise update the map
          // recursively.
          run.onFailure(e -> vertx.runOnContext(v -> runs.remove(k, run)));
          return run;
        });
  }
}
