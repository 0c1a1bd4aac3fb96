package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.queue.Priority;
import dev.killboard.schema.SchemaMigrations;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
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
 * Workers started against an empty database, with no API anywhere: two members of one cluster (each
 * its own Vert.x, so each runs its own migration, as two JVMs would) deploy a worker at the same
 * moment. Flyway's advisory lock lets one migrate while the other waits; both come up and process
 * jobs.
 */
@ClusterTest
class StartInAnyOrderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static WorkerHarness h;
  private static EmbeddedDatabase db;
  private static final List<Vertx> members = new ArrayList<>();
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    h = WorkerHarness.get();
    h.reset();
    db = EmbeddedDatabase.start(); // empty: nothing has migrated it
    int port = 15000 + ThreadLocalRandom.current().nextInt(3000) * 10;
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      addresses.add("127.0.0.1:" + (port + i));
    }
    ClusterSettings cluster =
        Env.read(
            Map.of(
                ClusterSettings.ENV_CLUSTER_NAME,
                "kb-any-order-" + UUID.randomUUID().toString().substring(0, 8),
                ClusterSettings.ENV_PORT,
                Integer.toString(port),
                ClusterSettings.ENV_MEMBERS,
                String.join(",", addresses)),
            ClusterSettings::from);
    for (int i = 0; i < 2; i++) {
      members.add(
          ClusteredVertx.start(
                  cluster,
                  new VertxOptions()
                      .setBlockedThreadCheckInterval(1000)
                      .setMaxEventLoopExecuteTime(2)
                      .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS))
              .await(90, TimeUnit.SECONDS));
    }
    Map<String, String> e = new HashMap<>(h.env);
    e.put("KILLBOARD_DB_HOST", db.host());
    e.put("KILLBOARD_DB_PORT", Integer.toString(db.port()));
    e.put("KILLBOARD_DB_NAME", db.database());
    e.put("KILLBOARD_DB_USER", db.appUser());
    e.put("KILLBOARD_DB_PASSWORD", db.appPassword());
    env = Map.copyOf(e);
  }

  @AfterAll
  static void stop() {
    try {
      for (Vertx v : members) {
        await(v.close());
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  @Test
  void twoWorkersStartedTogetherOnAnEmptyDatabaseMigrateOnceAndProcessJobs() throws Exception {
    assertThat(count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
        .as("tables before")
        .isZero();
    DeploymentOptions options =
        new DeploymentOptions()
            .setConfig(new JsonObject().put("env", new JsonObject(new HashMap<>(env))));

    await(
        Future.all(
            members.get(0).deployVerticle("worker:info-characters", options),
            members.get(1).deployVerticle("worker:info-corporations", options)));

    assertThat(count("SELECT max(version::int) FROM flyway_schema_history WHERE success"))
        .isEqualTo(Long.parseLong(SchemaMigrations.LATEST_VERSION));
    assertThat(count("SELECT count(*) FROM flyway_schema_history WHERE version IS NOT NULL"))
        .as("each migration applied once")
        .isEqualTo(Long.parseLong(SchemaMigrations.LATEST_VERSION));

    FakeUniverse u = h.fakes.universe();
    long character = u.playerCharacterIds().get(0);
    long corporation = u.character(character).orElseThrow().getLong("corporation_id");
    await(
        h.queue.enqueue(
            QueueNames.ESI_CHARACTER_INFO, EntityJob.of(character).toJson(), Priority.HIGH));
    await(
        h.queue.enqueue(
            QueueNames.ESI_CORPORATION_INFO, EntityJob.of(corporation).toJson(), Priority.HIGH));
    eventually(
        DEADLINE,
        "the character and its corporation stored",
        () ->
            count("SELECT count(*) FROM characters WHERE id = " + character) == 1
                && count("SELECT count(*) FROM corporations WHERE id = " + corporation) == 1);
    assertThat(h.depth(QueueNames.ESI_CHARACTER_INFO)).isZero();
  }

  private static long count(String query) throws Exception {
    return db.count(query);
  }
}
