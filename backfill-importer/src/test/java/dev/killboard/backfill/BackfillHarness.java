package dev.killboard.backfill;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Secret;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.schema.SchemaMigrations;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
    String name = "kb-test-" + UUID.randomUUID().toString().substring(0, 8);
    int port = 15000 + ThreadLocalRandom.current().nextInt(3000) * 10;
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      members.add("127.0.0.1:" + (port + i));
    }
    ClusterSettings cluster =
        ClusterSettings.fromEnv(
            Map.of(
                ClusterSettings.ENV_CLUSTER_NAME,
                name,
                ClusterSettings.ENV_PORT,
                Integer.toString(port),
                ClusterSettings.ENV_MEMBERS,
                String.join(",", members)));
    vertx =
        ClusteredVertx.start(
                cluster,
                new VertxOptions()
                    .setBlockedThreadCheckInterval(1000)
                    .setMaxEventLoopExecuteTime(2)
                    .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS))
            .await(90, TimeUnit.SECONDS);
    DatabaseSettings database =
        new DatabaseSettings(
            db.host(),
            db.port(),
            db.database(),
            db.appUser(),
            new Secret(db.appPassword()),
            io.vertx.pgclient.SslMode.DISABLE,
            false,
            null,
            30_000);
    budget =
        ConnectionBudget.forVertx(vertx, BudgetSettings.defaults(database))
            .await(60, TimeUnit.SECONDS);
    pool = budget.openWorkerPool("backfill-test#1").await(60, TimeUnit.SECONDS);
    Map<String, String> e = new HashMap<>();
    e.put("KILLBOARD_DB_HOST", db.host());
    e.put("KILLBOARD_DB_PORT", Integer.toString(db.port()));
    e.put("KILLBOARD_DB_NAME", db.database());
    e.put("KILLBOARD_DB_USER", db.appUser());
    e.put("KILLBOARD_DB_PASSWORD", db.appPassword());
    e.put("KILLBOARD_CLUSTER_NAME", name);
    e.put("KILLBOARD_CLUSTER_MEMBERS", String.join(",", members));
    e.put("KILLBOARD_CLUSTER_PORT", Integer.toString(port));
    e.put("KILLBOARD_CP_MEMBERS", "0");
    env = Map.copyOf(e);
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
