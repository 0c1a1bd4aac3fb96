package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.fake.FakeEsi;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.Fault;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.queue.Priority;
import dev.killboard.schema.SchemaMigrations;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL restarted while info-characters (2 instances) drains 200 jobs: every job is retried
 * until stored, none is lost or dead-lettered, and the pools serve later jobs. The database is this
 * test's own (not the shared one), and so are the clustered Vert.x (the connection budget of a
 * Vert.x is bound to one database) and the fake upstreams.
 */
@ClusterTest
class PostgresRestartTest {
  private static final int JOBS = 200;
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private static WorkerHarness h;
  private static EmbeddedDatabase db;
  private static Vertx vertx;
  private static FakeUpstreams fakes;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    h = WorkerHarness.get();
    h.reset(); // empties the shared Redis the queues live in
    db = EmbeddedDatabase.start();
    SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
    int port = 15000 + ThreadLocalRandom.current().nextInt(3000) * 10;
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      members.add("127.0.0.1:" + (port + i));
    }
    ClusterSettings cluster =
        Env.read(
            Map.of(
                ClusterSettings.ENV_CLUSTER_NAME,
                "kb-pg-restart-" + UUID.randomUUID().toString().substring(0, 8),
                ClusterSettings.ENV_PORT,
                Integer.toString(port),
                ClusterSettings.ENV_MEMBERS,
                String.join(",", members)),
            ClusterSettings::from);
    vertx =
        ClusteredVertx.start(
                cluster,
                new VertxOptions()
                    .setBlockedThreadCheckInterval(1000)
                    .setMaxEventLoopExecuteTime(2)
                    .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS))
            .await(90, TimeUnit.SECONDS);
    UniverseSpec tiny = UniverseSpec.tiny();
    // The tiny universe with enough characters for 200 jobs plus one more.
    UniverseSpec spec =
        new UniverseSpec(
            tiny.seed(),
            tiny.regions(),
            tiny.constellations(),
            tiny.systems(),
            tiny.categories(),
            tiny.groups(),
            tiny.types(),
            tiny.alliances(),
            tiny.corporations(),
            JOBS + 60,
            tiny.killmails(),
            tiny.historyEnd());
    fakes =
        await(
            FakeUpstreams.start(
                vertx, new FakeUpstreams.Options().universe(FakeUniverse.generate(spec))));
    Map<String, String> e = new HashMap<>(h.env);
    e.putAll(fakes.environment());
    e.put("KILLBOARD_DB_HOST", db.host());
    e.put("KILLBOARD_DB_PORT", Integer.toString(db.port()));
    e.put("KILLBOARD_DB_NAME", db.database());
    e.put("KILLBOARD_DB_USER", db.appUser());
    e.put("KILLBOARD_DB_PASSWORD", db.appPassword());
    // One attempt only: a job the restart made fail through the queue would be a dead letter at
    // once. A database outage must cost no attempt (the worker waits for the database with the job
    // in hand).
    e.put("KILLBOARD_QUEUE_MAX_ATTEMPTS", "1");
    env = Map.copyOf(e);
  }

  @AfterAll
  static void stop() {
    try {
      if (vertx != null) {
        await(vertx.close());
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  @Test
  void jobsInFlightAcrossARestartAreRetriedAndNoneIsLost() throws Exception {
    FakeUniverse u = fakes.universe();
    assertThat(u.playerCharacterIds()).hasSizeGreaterThan(JOBS);
    List<Long> ids = u.playerCharacterIds().subList(0, JOBS);
    long later = u.playerCharacterIds().get(JOBS);
    // A slow ESI keeps the 200 jobs draining for seconds (2 instances x 2 jobs at once), so the
    // restart hits them.
    fakes.esi().faults().inject(FakeEsi.CHARACTER, Fault.delay(Duration.ofMillis(40)), 100_000);
    String deployment =
        await(
            vertx.deployVerticle(
                "worker:info-characters",
                new DeploymentOptions()
                    .setInstances(2)
                    .setConfig(new JsonObject().put("env", new JsonObject(new HashMap<>(env))))));
    try {
      await(
          h.queue.enqueueAll(
              QueueNames.ESI_CHARACTER_INFO,
              ids.stream().map(id -> EntityJob.of(id).toJson()).toList(),
              Priority.NORMAL));
      eventually(
          DEADLINE,
          "the first characters stored",
          () -> count("SELECT count(*) FROM characters") >= 20);

      db.restart();

      assertThat(h.depth(QueueNames.ESI_CHARACTER_INFO))
          .as("jobs were still queued or in flight at the restart")
          .isPositive();
      eventually(
          DEADLINE,
          "all " + JOBS + " characters stored and the queue drained",
          () -> {
            // With one attempt per job, a job failed through the queue is a dead letter at once:
            // stop waiting, show it.
            assertThat(await(h.queue.deadLetters(QueueNames.ESI_CHARACTER_INFO, 10)))
                .as("dead letters")
                .isEmpty();
            return count("SELECT count(*) FROM characters") == JOBS
                && h.depth(QueueNames.ESI_CHARACTER_INFO) == 0;
          });
      assertThat(await(h.queue.deadLetters(QueueNames.ESI_CHARACTER_INFO, 10))).isEmpty();
      assertThat(count("SELECT count(DISTINCT id) FROM characters")).isEqualTo(JOBS);
      for (long id : ids) {
        JsonObject esi = u.character(id).orElseThrow();
        Map<String, Object> row =
            row(
                "SELECT name, corporation_id, birthday, security_status FROM characters WHERE id = "
                    + id);
        assertThat(row.get("name")).as("character " + id).isEqualTo(esi.getString("name"));
        assertThat(((Number) row.get("corporation_id")).longValue())
            .isEqualTo(esi.getLong("corporation_id"));
        assertThat(((java.sql.Timestamp) row.get("birthday")).toInstant())
            .isEqualTo(OffsetDateTime.parse(esi.getString("birthday")).toInstant());
        assertThat((Double) row.get("security_status")).isEqualTo(esi.getDouble("security_status"));
      }

      // The pools recovered: a later job is stored too, and the workers' pools hold at most their 2
      // connections.
      await(
          h.queue.enqueue(
              QueueNames.ESI_CHARACTER_INFO, EntityJob.of(later).toJson(), Priority.HIGH));
      eventually(
          DEADLINE,
          "the later character stored",
          () ->
              count("SELECT count(*) FROM characters WHERE id = " + later) == 1
                  && h.depth(QueueNames.ESI_CHARACTER_INFO) == 0);
      assertThat(row("SELECT name FROM characters WHERE id = " + later).get("name"))
          .isEqualTo(u.character(later).orElseThrow().getString("name"));
      assertThat(await(h.queue.deadLetters(QueueNames.ESI_CHARACTER_INFO, 10))).isEmpty();
      ConnectionBudget budget =
          await(ConnectionBudget.forVertx(vertx, Env.read(env, BudgetSettings::from)));
      List<BudgetedPool> pools =
          budget.pools().stream().filter(p -> p.owner().startsWith("info-characters#")).toList();
      assertThat(pools).hasSize(2);
      assertThat(db.countAppConnections()).isLessThanOrEqualTo(4);
    } finally {
      await(vertx.undeploy(deployment));
      fakes.esi().faults().clear();
    }
  }

  private static long count(String query) throws Exception {
    return db.count(query);
  }

  private static Map<String, Object> row(String query) throws Exception {
    List<Map<String, Object>> rows = db.rows(query);
    assertThat(rows).as(query).isNotEmpty();
    return rows.get(0);
  }
}
