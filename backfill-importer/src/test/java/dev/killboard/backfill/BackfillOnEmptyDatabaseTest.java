package dev.killboard.backfill;

import static dev.killboard.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.schema.SchemaMigrations;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backfill started first, against an empty database (no API, no worker has run): it brings the
 * schema up to date itself and imports. Its own database and clustered Vert.x (the budget of a
 * Vert.x is bound to one database).
 */
@ClusterTest
class BackfillOnEmptyDatabaseTest {
  @TempDir Path dir;

  @Test
  void theBackfillMigratesAnEmptyDatabaseAndImports() throws Exception {
    FakeUniverse universe = FakeUniverse.generate(UniverseSpec.tiny());
    List<FakeKillmail> killmails = new ArrayList<>();
    for (long id : universe.killmailIds().subList(0, 5)) {
      killmails.add(universe.killmail(id).orElseThrow());
    }
    Path archive =
        Archives.tarBz2(dir.resolve("killmails-2026-04-08.tar.bz2"), Archives.entries(killmails));
    int port = 15000 + ThreadLocalRandom.current().nextInt(3000) * 10;
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      members.add("127.0.0.1:" + (port + i));
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start()) {
      Vertx vertx =
          ClusteredVertx.start(
                  Env.read(
                      Map.of(
                          ClusterSettings.ENV_CLUSTER_NAME,
                          "kb-backfill-empty-" + UUID.randomUUID().toString().substring(0, 8),
                          ClusterSettings.ENV_PORT,
                          Integer.toString(port),
                          ClusterSettings.ENV_MEMBERS,
                          String.join(",", members)),
                      ClusterSettings::from),
                  new VertxOptions())
              .await(90, TimeUnit.SECONDS);
      try {
        assertThat(count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
            .as("tables before")
            .isZero();
        Map<String, Object> env = new HashMap<>();
        env.put("KILLBOARD_DB_HOST", db.host());
        env.put("KILLBOARD_DB_PORT", Integer.toString(db.port()));
        env.put("KILLBOARD_DB_NAME", db.database());
        env.put("KILLBOARD_DB_USER", db.appUser());
        env.put("KILLBOARD_DB_PASSWORD", db.appPassword());
        CompletableFuture<JsonObject> finished = new CompletableFuture<>();
        MessageConsumer<JsonObject> consumer =
            vertx
                .eventBus()
                .consumer(BackfillVerticle.FINISHED_ADDRESS, m -> finished.complete(m.body()));
        await(consumer.completion());
        JsonObject config =
            new JsonObject()
                .put("paths", new JsonArray().add(archive.toString()))
                .put("batchSize", 2)
                .put("exitWhenDone", false)
                .put("env", new JsonObject(env));
        await(
            vertx.deployVerticle(
                BackfillVerticle.class.getName(), new DeploymentOptions().setConfig(config)));

        JsonObject event = finished.get(60, TimeUnit.SECONDS);
        assertThat(event.getBoolean("succeeded")).as(event.encode()).isTrue();
        assertThat(count(db, "SELECT max(version::int) FROM flyway_schema_history WHERE success"))
            .isEqualTo(Long.parseLong(SchemaMigrations.LATEST_VERSION));
        assertThat(count(db, "SELECT count(*) FROM killmails")).isEqualTo(5);
      } finally {
        await(vertx.close());
      }
    }
  }

  private static long count(EmbeddedDatabase db, String query) throws Exception {
    try (Connection c = db.superuserConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
