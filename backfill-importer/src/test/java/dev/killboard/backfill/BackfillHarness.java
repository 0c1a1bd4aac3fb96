package dev.killboard.backfill;

import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.TestCluster;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.schema.SchemaMigrations;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real environment of the backfill tests: the shared embedded PostgreSQL (configured like
 * production, migrated), a clustered Vert.x (Hazelcast, unsafe mode, a random cluster name and port
 * range) with the connection budget, and the backfill's own 2-connection worker pool.
 */
final class BackfillHarness {
  private static BackfillHarness instance;

  final EmbeddedDatabase db;
  final Vertx vertx;
  final ConnectionBudget budget;
  final BudgetedPool pool;
  final Map<String, String> env;

  private BackfillHarness() throws Exception {
    db = SharedServices.database();
    SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
    TestCluster cluster = new TestCluster(0);
    vertx = cluster.startMember();
    budget = ConnectionBudget.forVertx(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS);
    pool = budget.openWorkerPool("backfill-test#1").await(60, TimeUnit.SECONDS);
    env = cluster.env(db);
  }

  static synchronized BackfillHarness get() throws Exception {
    if (instance == null) {
      instance = new BackfillHarness();
    }
    return instance;
  }

  void reset() throws SQLException {
    sql("TRUNCATE killmails, sync_cursors CASCADE");
  }

  void sql(String statement) throws SQLException {
    db.execute(statement);
  }

  List<Map<String, Object>> rows(String query) throws SQLException {
    return db.rows(query);
  }

  long count(String query) throws SQLException {
    return db.count(query);
  }

  List<Long> longs(String query) throws SQLException {
    return db.rows(query).stream()
        .map(r -> ((Number) r.values().iterator().next()).longValue())
        .toList();
  }
}
