package dev.killboard.budget;

import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import dev.killboard.embedded.EmbeddedDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Hazelcast cluster of its own for one test: a random name and port range, so parallel runs never
 * meet. Shared with the worker and backfill tests (shared-pool's test-jar).
 */
public final class TestCluster {
  public final String name = "kb-test-" + UUID.randomUUID().toString().substring(0, 8);
  public final int basePort = 15000 + ThreadLocalRandom.current().nextInt(3000) * 10;
  final int cpMembers;

  public TestCluster(int cpMembers) {
    this.cpMembers = cpMembers;
  }

  public ClusterSettings settings() {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      members.add("127.0.0.1:" + (basePort + i));
    }
    return Env.read(
        Map.of(
            ClusterSettings.ENV_CLUSTER_NAME,
            name,
            ClusterSettings.ENV_PORT,
            Integer.toString(basePort),
            ClusterSettings.ENV_MEMBERS,
            String.join(",", members),
            ClusterSettings.ENV_CP_MEMBERS,
            Integer.toString(cpMembers)),
        ClusterSettings::from);
  }

  /** The environment a child process needs to join this cluster and reach the database. */
  public Map<String, String> env(EmbeddedDatabase db) {
    return Map.ofEntries(
        Map.entry("KILLBOARD_CLUSTER_NAME", name),
        Map.entry("KILLBOARD_CLUSTER_MEMBERS", String.join(",", settings().members())),
        Map.entry("KILLBOARD_CLUSTER_PORT", Integer.toString(basePort)),
        Map.entry("KILLBOARD_CP_MEMBERS", Integer.toString(cpMembers)),
        Map.entry("KILLBOARD_CP_SESSION_TTL", "10s"),
        Map.entry("KILLBOARD_CP_HEARTBEAT", "2s"),
        Map.entry("KILLBOARD_DB_HOST", db.host()),
        Map.entry("KILLBOARD_DB_PORT", Integer.toString(db.port())),
        Map.entry("KILLBOARD_DB_NAME", db.database()),
        Map.entry("KILLBOARD_DB_USER", db.appUser()),
        Map.entry("KILLBOARD_DB_PASSWORD", db.appPassword()));
  }

  public Vertx startMember() throws Exception {
    VertxOptions options =
        new VertxOptions()
            .setBlockedThreadCheckInterval(1000)
            .setMaxEventLoopExecuteTime(2)
            .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS);
    return ClusteredVertx.start(settings(), options).await(90, TimeUnit.SECONDS);
  }

  /** Started members, closed in reverse order (CP members before the cluster's majority goes). */
  static final class Members implements AutoCloseable {
    private final List<Vertx> list = new ArrayList<>();

    Vertx get(int i) {
      return list.get(i);
    }

    List<Vertx> all() {
      return List.copyOf(list);
    }

    @Override
    public void close() throws Exception {
      for (int i = list.size() - 1; i >= 0; i--) {
        list.get(i).close().await(60, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Starts {@code n} members; in CP mode the CP subsystem forms once the CP member count has
   * joined.
   */
  Members startMembers(int n) throws Exception {
    Members members = new Members();
    for (int i = 0; i < n; i++) {
      members.list.add(startMember());
    }
    return members;
  }

  public static BudgetSettings budget(EmbeddedDatabase db) {
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
            Duration.ofSeconds(30));
    return BudgetSettings.defaults(database);
  }

  /** The test database's budget with another total, other classes and another role limit check. */
  static BudgetSettings budget(
      EmbeddedDatabase db, int total, Map<String, Integer> classes, RoleLimitPolicy policy) {
    BudgetSettings b = budget(db);
    return new BudgetSettings(
        b.database(), total, classes, 1, policy, b.apiProfile(), b.workerProfile());
  }
}
