package dev.killboard.worker;

import static dev.killboard.testing.Await.await;

import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.TestCluster;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.EmbeddedRedis;
import dev.killboard.embedded.SharedServices;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.QueueSettings;
import dev.killboard.schema.SchemaMigrations;
import dev.killboard.store.StartupMigration;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One real environment for every worker test of the JVM: the shared embedded PostgreSQL (migrated),
 * the shared embedded Redis, a clustered Vert.x (Hazelcast, unsafe mode, a random cluster name and
 * port range) with the connection budget, and the fake upstreams over a tiny generated universe.
 */
final class WorkerHarness {
  private static WorkerHarness instance;

  final EmbeddedDatabase db;
  final EmbeddedRedis redis;
  final Vertx vertx;
  final ConnectionBudget budget;
  final FakeUpstreams fakes;
  final JobQueue queue;
  final Map<String, String> env;
  final String clusterName;
  final int clusterPort;
  final List<String> clusterMembers;
  final ClusterSettings cluster;

  private WorkerHarness() throws Exception {
    db = SharedServices.database();
    redis = SharedServices.redis();
    SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
    TestCluster test = new TestCluster(0);
    clusterName = test.name;
    clusterPort = test.basePort;
    cluster = test.settings();
    clusterMembers = List.copyOf(cluster.members());
    vertx = test.startMember();
    budget = ConnectionBudget.forVertx(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS);
    // As in a running cluster, the process that migrated records the schema version: a worker
    // deployed later (during a
    // shortage, say) then needs no connection to know the schema is current, whichever test runs
    // first.
    StartupMigration.ensure(vertx, budget).await(120, TimeUnit.SECONDS);
    fakes =
        FakeUpstreams.start(
                vertx,
                new FakeUpstreams.Options()
                    .universe(FakeUniverse.generate(UniverseSpec.tiny()))
                    .zkillboardPageSize(5))
            .await(30, TimeUnit.SECONDS);
    Map<String, String> e = new HashMap<>(fakes.environment());
    e.put("KILLBOARD_DB_HOST", db.host());
    e.put("KILLBOARD_DB_PORT", Integer.toString(db.port()));
    e.put("KILLBOARD_DB_NAME", db.database());
    e.put("KILLBOARD_DB_USER", db.appUser());
    e.put("KILLBOARD_DB_PASSWORD", db.appPassword());
    e.put("KILLBOARD_REDIS_URL", redis.uri());
    e.put("KILLBOARD_QUEUE_BACKOFF_BASE", "50ms");
    e.put("KILLBOARD_QUEUE_BACKOFF_MAX", "200ms");
    e.put("KILLBOARD_QUEUE_BLOCK_TIMEOUT", "200ms");
    e.put("KILLBOARD_QUEUE_HEARTBEAT_INTERVAL", "200ms");
    e.put("KILLBOARD_QUEUE_MAX_ATTEMPTS", "3");
    e.put("KILLBOARD_ZKB_REQUESTS_PER_SECOND", "200");
    e.put("KILLBOARD_R2Z2_REQUESTS_PER_SECOND", "200");
    byte[] tokenKey = new byte[32];
    new java.security.SecureRandom().nextBytes(tokenKey);
    e.put("KILLBOARD_TOKEN_KEY", Base64.getEncoder().encodeToString(tokenKey));
    env = Map.copyOf(e);
    queue = JobQueue.connect(vertx, Env.read(env, QueueSettings::from)).await(30, TimeUnit.SECONDS);
  }

  /** The harness, started on first use (from a test thread). */
  static synchronized WorkerHarness get() throws Exception {
    if (instance == null) {
      instance = new WorkerHarness();
    }
    return instance;
  }

  /** Deployment options pointing a worker at this harness; one-shots keep Vert.x running. */
  DeploymentOptions options(int instances, JsonObject extraConfig) {
    JsonObject config =
        new JsonObject().put("env", new JsonObject(new HashMap<>(env))).put("exitWhenDone", false);
    if (extraConfig != null) {
      config.mergeIn(extraConfig);
    }
    return new DeploymentOptions().setInstances(instances).setConfig(config);
  }

  /** Deploys {@code worker:<name>}; returns the deployment id. */
  String deploy(String name) {
    return deploy(name, 1, null);
  }

  /** Deploys {@code worker:<name>} with instances and extra config. */
  String deploy(String name, int instances, JsonObject extraConfig) {
    return await(vertx.deployVerticle("worker:" + name, options(instances, extraConfig)));
  }

  /**
   * Deploys a one-shot worker and waits until it has finished and undeployed itself; returns its
   * {@link dev.killboard.worker.framework.OneShotWorker#FINISHED_ADDRESS} event.
   */
  JsonObject runOneShot(String name, JsonObject extraConfig) {
    CompletableFuture<JsonObject> done = new CompletableFuture<>();
    AtomicReference<String> id = new AtomicReference<>();
    List<JsonObject> early = new CopyOnWriteArrayList<>();
    io.vertx.core.eventbus.MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                dev.killboard.worker.framework.OneShotWorker.FINISHED_ADDRESS,
                m -> {
                  early.add(m.body());
                  if (id.get() != null && id.get().equals(m.body().getString("deploymentId"))) {
                    done.complete(m.body());
                  }
                });
    await(consumer.completion());
    try {
      id.set(deploy(name, 1, extraConfig));
      early.stream()
          .filter(e -> id.get().equals(e.getString("deploymentId")))
          .findFirst()
          .ifPresent(done::complete);
      return done.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("one-shot " + name + " did not finish", e);
    } finally {
      await(consumer.unregister());
    }
  }

  /** Undeploys and waits until the pools closed. */
  void undeploy(String deploymentId) {
    await(vertx.undeploy(deploymentId));
  }

  /** Empties every table the workers write and the queues. */
  void reset() throws Exception {
    sql(
        "TRUNCATE killmails, characters, corporations, alliances, alliance_member_counts, alliance_member_count_deltas,"
            + " types, item_groups, categories, regions, constellations, solar_systems, races, bloodlines, feed_state,"
            + " sync_cursors, users, entity_job_outbox CASCADE");
    Redis client = Redis.createClient(vertx, redis.uri());
    try {
      client
          .connect()
          .compose(c -> c.send(Request.cmd(Command.FLUSHDB)).eventually(c::close))
          .await(10, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
    fakes.esi().requests().clear();
    fakes.zkillboard().requests().clear();
    fakes.r2z2().requests().clear();
    fakes.sso().requests().clear();
    fakes.esi().faults().clear();
    // ESI's error window (fake) and the cluster's view of it start afresh.
    fakes.esi().resetErrorLimit();
    ClusteredVertx.hazelcast(vertx)
        .getMap(dev.killboard.worker.framework.ClusterErrorLimitGate.MAP)
        .clear();
    fakes.r2z2().faults().clear();
    fakes.zkillboard().faults().clear();
  }

  /** Runs a statement as superuser. */
  void sql(String statement) throws SQLException {
    db.execute(statement);
  }

  /** The rows of a query as maps (column label to value). */
  List<Map<String, Object>> rows(String query) throws SQLException {
    return db.rows(query);
  }

  /** A single number from a query. */
  long count(String query) throws SQLException {
    return db.count(query);
  }

  /** Ready + in-flight + delayed jobs of a queue. */
  long depth(String queueName) {
    return await(queue.depth(queueName)).total();
  }
}
