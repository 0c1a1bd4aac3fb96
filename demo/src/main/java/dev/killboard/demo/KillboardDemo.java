package dev.killboard.demo;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.EmbeddedRedis;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.QueueSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the whole of Killboard on embedded defaults: PostgreSQL configured like the production
 * plan (25 connections, 3 reserved), Redis, one clustered Vert.x member, the GraphQL API, the
 * original's production workers and the universe loaders (regions, constellations, systems, races,
 * bloodlines; run once at start), fed by local fakes of ESI, zKillboard, R2Z2 and EVE SSO (or by
 * the real services when KILLBOARD_DEMO_FAKES=false and the upstream variables are set). Prints the
 * cluster-wide connection budget every ten seconds. KILLBOARD_DEMO_STOP_AFTER bounds the run (0,
 * the default, runs until Ctrl-C).
 */
public final class KillboardDemo {
  private static final Logger LOG = LoggerFactory.getLogger(KillboardDemo.class);

  private KillboardDemo() {}

  /**
   * Loads the universe map once, as an operator does on a new installation: {@code {"all": true}}
   * on the regions, constellations and systems queues with their workers deployed, and the races
   * and bloodlines one-shots. Without it killmails show no system, constellation or region names
   * and the region filter finds nothing.
   */
  private static Future<Void> loadUniverse(
      Vertx vertx, Map<String, String> env, DeploymentOptions deployment) {
    List<String> queues =
        List.of(
            QueueNames.ESI_ALL_REGIONS,
            QueueNames.ESI_ALL_CONSTELLATIONS,
            QueueNames.ESI_ALL_SYSTEMS);
    Future<Void> queued =
        JobQueue.connect(vertx, Env.read(env, QueueSettings::from))
            .compose(
                jobs -> {
                  List<Future<String>> all =
                      queues.stream()
                          .map(q -> jobs.enqueue(q, EntityJob.everything().toJson()))
                          .toList();
                  return Future.all(all).eventually(jobs::close).mapEmpty();
                });
    List<Future<String>> workers = new ArrayList<>();
    for (String worker : List.of("regions", "constellations", "systems", "races", "bloodlines")) {
      workers.add(vertx.deployVerticle("worker:" + worker, new DeploymentOptions(deployment)));
    }
    return queued.compose(v -> Future.all(workers)).mapEmpty();
  }

  /** The demo's own variables: how long it runs, and whether it starts the fake upstreams. */
  record Settings(Duration stopAfter, boolean fakes) {
    static Settings from(Env env) {
      env.require(
          !env.vars().containsKey("KILLBOARD_DEMO_SECONDS"),
          "KILLBOARD_DEMO_SECONDS was renamed: set KILLBOARD_DEMO_STOP_AFTER (e.g. 60s) instead.");
      return new Settings(
          env.duration("KILLBOARD_DEMO_STOP_AFTER", "0s", "0s", "30d")
              .about("how long the demo runs (0s: until Ctrl-C)"),
          env.bool("KILLBOARD_DEMO_FAKES", true)
              .about("whether the demo starts local fakes of ESI, zKillboard, R2Z2 and EVE SSO"));
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> sys = System.getenv();
    Settings settings = Env.read(sys, Settings::from);
    boolean fakes = settings.fakes();

    EmbeddedDatabase db = EmbeddedDatabase.start();
    EmbeddedRedis redis = EmbeddedRedis.start();
    ClusterSettings cluster = Env.read(sys, ClusterSettings::from).validate();
    Vertx vertx = ClusteredVertx.start(cluster, new VertxOptions()).await(120, TimeUnit.SECONDS);

    Map<String, String> env = new LinkedHashMap<>();
    env.put("KILLBOARD_DB_HOST", db.host());
    env.put("KILLBOARD_DB_PORT", Integer.toString(db.port()));
    env.put("KILLBOARD_DB_NAME", db.database());
    env.put("KILLBOARD_DB_USER", db.appUser());
    env.put("KILLBOARD_DB_PASSWORD", db.appPassword());
    env.put("KILLBOARD_REDIS_URL", redis.uri());
    env.put("KILLBOARD_HTTP_PORT", sys.getOrDefault("KILLBOARD_HTTP_PORT", "8080"));
    // A demo on loopback: its metrics on the public port, which production leaves to the management
    // port.
    env.put("KILLBOARD_PUBLIC_METRICS_ENABLED", "true");
    // A fresh key per demo run: tokens stored by this run are unreadable to any other.
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    env.put("KILLBOARD_TOKEN_KEY", Base64.getEncoder().encodeToString(key));
    FakeUpstreams upstreams = null;
    if (fakes) {
      upstreams =
          FakeUpstreams.start(vertx, new FakeUpstreams.Options()).await(60, TimeUnit.SECONDS);
      env.putAll(upstreams.environment());
      FakeUpstreams live = upstreams;
      // The fake R2Z2 feed gets a new killmail every two seconds, as the real one does under light
      // load.
      vertx.setPeriodic(2_000, id -> live.r2z2().publishNew(1));
    }
    DeploymentOptions deployment =
        new DeploymentOptions()
            .setConfig(new JsonObject().put("env", new JsonObject(new LinkedHashMap<>(env))));

    // The API migrates the schema before the workers write to it.
    vertx.deployVerticle("dev.killboard.api.ApiVerticle", deployment).await(180, TimeUnit.SECONDS);
    vertx.deployVerticle("worker:production", deployment).await(180, TimeUnit.SECONDS);
    loadUniverse(vertx, env, deployment).await(60, TimeUnit.SECONDS);
    // The daily maintenance an operator deploys once: fold past days of the per-day killmail
    // totals.
    vertx
        .deployVerticle(
            "worker:compact-killmail-counts",
            new DeploymentOptions(deployment)
                .setConfig(deployment.getConfig().copy().put("every", "PT24H")))
        .await(60, TimeUnit.SECONDS);
    ConnectionBudget budget =
        ConnectionBudget.forVertx(vertx, Env.read(env, BudgetSettings::from))
            .await(60, TimeUnit.SECONDS);
    String port = env.get("KILLBOARD_HTTP_PORT");
    System.out.printf(
        "%nKillboard is up.%n  GraphQL:  http://127.0.0.1:%s/graphql%n  GraphiQL: http://127.0.0.1:%s/graphiql/%n"
            + "  Health:   http://127.0.0.1:%s/health/ready   Metrics: http://127.0.0.1:%s/metrics%n"
            + "  PostgreSQL %s:%d (max_connections=25, superuser_reserved_connections=3), Redis %s, upstreams: %s%n%n",
        port,
        port,
        port,
        port,
        db.host(),
        db.port(),
        redis.uri(),
        fakes ? "local fakes" : "the real services");
    long statusTimer =
        vertx.setPeriodic(
            10_000,
            id ->
                budget
                    .status()
                    .onSuccess(s -> System.out.println(s.render()))
                    .onFailure(err -> LOG.warn("budget status: {}", err.toString())));

    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "demo-stop"));
    if (!settings.stopAfter().isZero()) {
      stop.await(settings.stopAfter().toMillis(), TimeUnit.MILLISECONDS);
    } else {
      stop.await();
    }
    vertx.cancelTimer(statusTimer);
    vertx.close().await(120, TimeUnit.SECONDS);
    redis.close();
    db.close();
  }
}
