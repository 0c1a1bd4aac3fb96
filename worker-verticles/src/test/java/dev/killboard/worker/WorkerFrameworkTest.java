package dev.killboard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.budget.BudgetExhaustedException;
import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.queue.JobRejected;
import dev.killboard.testing.ClusterTest;
import dev.killboard.upstream.UpstreamNotFound;
import dev.killboard.upstream.UpstreamRejected;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamService;
import dev.killboard.worker.framework.JobFailures;
import dev.killboard.worker.framework.WorkerSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Retry classification, settings validation and deploy-by-name. */
@ClusterTest
class WorkerFrameworkTest {

  @Test
  void notFoundAndRefusalsAreDroppedTransientFailuresRetried() {
    assertThat(
            JobFailures.classify(
                new UpstreamNotFound(UpstreamService.ESI, "/characters/1/", "404")))
        .isInstanceOf(JobRejected.class);
    assertThat(
            JobFailures.classify(
                new UpstreamRejected(UpstreamService.ESI, "/characters/1/", 403, "forbidden")))
        .isInstanceOf(JobRejected.class);
    UpstreamRetryable server =
        new UpstreamRetryable(
            UpstreamService.ESI,
            "/x/",
            UpstreamRetryable.Reason.SERVER_ERROR,
            Duration.ZERO,
            "503",
            null);
    assertThat(JobFailures.classify(server)).isSameAs(server);
    assertThat(JobFailures.retryable(server)).isTrue();
    BudgetExhaustedException exhausted =
        new BudgetExhaustedException("worker", "no permit within 10 s");
    assertThat(JobFailures.retryable(exhausted)).isTrue();
    assertThat(JobFailures.transientFailure(exhausted)).isTrue();
    assertThat(JobFailures.retryable(new IllegalArgumentException("bad payload"))).isTrue();
  }

  @Test
  void badSettingsNameTheVariable() {
    Map<String, String> env = new HashMap<>();
    env.put("KILLBOARD_USER_AGENT", "Killboard-test/0.1 (test@example.invalid)");
    env.put("KILLBOARD_WORKER_CONCURRENCY", "0");
    env.put("KILLBOARD_QUEUE_MAX_ATTEMPTS", "zero");
    env.put("KILLBOARD_MIGRATE_ON_START", "sometimes");
    assertThatThrownBy(() -> Env.read(env, WorkerSettings::from))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_WORKER_CONCURRENCY")
        .hasMessageContaining("KILLBOARD_QUEUE_MAX_ATTEMPTS")
        .hasMessageContaining("KILLBOARD_MIGRATE_ON_START='sometimes'");
  }

  @Test
  void migrationAtStartIsOnUnlessSwitchedOff() {
    Map<String, String> env = new HashMap<>();
    env.put("KILLBOARD_USER_AGENT", "Killboard-test/0.1 (test@example.invalid)");
    assertThat(Env.read(env, WorkerSettings::from).migrateOnStart()).isTrue();
    env.put("KILLBOARD_MIGRATE_ON_START", "FALSE");
    assertThat(Env.read(env, WorkerSettings::from).migrateOnStart()).isFalse();
  }

  @Test
  void everyWorkerOfTheCatalogueHasItsName() {
    assertThat(WorkerCatalog.names())
        .contains(
            "info-characters",
            "info-corporations",
            "info-alliances",
            "info-types",
            "info-item-groups",
            "info-categories",
            "alliance-corporations",
            "regions",
            "constellations",
            "systems",
            "races",
            "bloodlines",
            "zkillboard-sync",
            "killmails",
            "redisq-stream",
            "fetch-single-killmail",
            "scan-killmail-entities",
            "queue-alliance-corporations",
            "queue-zkillboard-sync",
            "queue-missing-groups",
            "queue-user-esi-killmails",
            "queue-corporation-esi-killmails",
            "queue-alliance-corporation-characters",
            "update-alliance-counts",
            "compact-killmail-counts",
            "alliance-snapshots",
            "corporation-snapshots",
            "esi-user-killmails",
            "esi-corporation-killmails",
            "sync-character-killmails");
    for (String name : WorkerCatalog.names()) {
      assertThat(WorkerCatalog.create(name).orElseThrow().workerName()).isEqualTo(name);
    }
  }

  @Test
  void databaseOutagesAreToldApartFromRefusedStatements() {
    io.vertx.pgclient.PgException shutdown =
        new io.vertx.pgclient.PgException(
            "terminating connection due to" + " administrator command", "FATAL", "57P01", null);
    io.vertx.pgclient.PgException startingUp =
        new io.vertx.pgclient.PgException(
            "the database system is starting up", "FATAL", "57P03", null);
    io.vertx.pgclient.PgException unique =
        new io.vertx.pgclient.PgException("duplicate key", "ERROR", "23505", null);
    assertThat(shutdown.getSqlState()).isEqualTo("57P01");
    assertThat(dev.killboard.worker.framework.DatabaseOutage.is(shutdown)).isTrue();
    assertThat(dev.killboard.worker.framework.DatabaseOutage.is(startingUp)).isTrue();
    assertThat(
            dev.killboard.worker.framework.DatabaseOutage.is(
                new CompletionException(new java.net.ConnectException("Connection refused"))))
        .isTrue();
    assertThat(
            dev.killboard.worker.framework.DatabaseOutage.is(
                new java.net.SocketException("Connection reset by peer")))
        .isTrue();
    assertThat(
            dev.killboard.worker.framework.DatabaseOutage.is(
                io.vertx.sqlclient.ClosedConnectionException.INSTANCE))
        .isTrue();
    assertThat(dev.killboard.worker.framework.DatabaseOutage.is(unique)).isFalse();
    assertThat(
            dev.killboard.worker.framework.DatabaseOutage.is(
                new IllegalArgumentException("bad payload")))
        .isFalse();
    // Still retried through the queue (not dropped) once the worker stops waiting for the database.
    assertThat(dev.killboard.worker.framework.JobFailures.retryable(shutdown)).isTrue();
  }

  @Test
  void deployByNameAndUnknownNames() throws Exception {
    WorkerHarness h = WorkerHarness.get();
    Throwable unknown =
        h.vertx
            .deployVerticle("worker:no-such-worker", new DeploymentOptions())
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
            .await(30, TimeUnit.SECONDS);
    assertThat(unknown)
        .hasMessageContaining("no-such-worker")
        .hasMessageContaining("info-characters");

    // Three instances: three pools of their own, named <worker>#<n>; all closed by undeploy.
    String id = h.deploy("info-types", 3, null);
    try {
      assertThat(
              h.budget.pools().stream()
                  .map(p -> p.owner())
                  .filter(o -> o.startsWith("info-types#")))
          .hasSize(3);
    } finally {
      h.undeploy(id);
    }
    assertThat(h.budget.pools().stream().map(p -> p.owner()))
        .noneMatch(o -> o.startsWith("info-types#"));
    assertThat(h.budget.heldByThisMember("worker")).isZero();
  }

  @Test
  void productionGroupDeploysTheOriginalsProductionWorkers() throws Exception {
    WorkerHarness h = WorkerHarness.get();
    h.reset();
    String group = h.deploy("production");
    try {
      assertThat(h.budget.pools().stream().map(p -> p.owner().replaceAll("#\\d+$", "")))
          .containsExactlyInAnyOrderElementsOf(WorkerGroup.PRODUCTION);
    } finally {
      h.undeploy(group);
    }
    assertThat(h.budget.pools()).isEmpty();
    assertThat(h.budget.heldByThisMember("worker")).isZero();
  }

  @Test
  void invalidConfigFailsTheDeployment() throws Exception {
    WorkerHarness h = WorkerHarness.get();
    JsonObject config = h.options(1, null).getConfig();
    config.getJsonObject("env").put("KILLBOARD_WORKER_CONCURRENCY", "99");
    Throwable failure =
        h.vertx
            .deployVerticle("worker:info-types", new DeploymentOptions().setConfig(config))
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
            .await(30, TimeUnit.SECONDS);
    assertThat(failure)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_WORKER_CONCURRENCY");
  }
}
