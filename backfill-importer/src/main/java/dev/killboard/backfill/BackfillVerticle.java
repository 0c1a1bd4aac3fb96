package dev.killboard.backfill;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.config.Env;
import dev.killboard.store.StartupMigration;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill as a one-shot verticle: on start it validates its settings, joins the connection
 * budget, brings the schema up to date (under Flyway's lock, as the workers do) and opens a worker
 * pool of its own ({@code backfill#1}, 2 connections, worker class), then imports in the
 * background; when done it publishes the report on {@value #FINISHED_ADDRESS} and, when deployed by
 * name, undeploys itself, which closes the pool (its permits go back), closing Vert.x when it was
 * the last deployment and {@code exitWhenDone} (default true). Undeploying it early stops the
 * import after the batches in flight; a later run resumes there.
 *
 * <p>Config when deployed by class name: {@code paths}, {@code batchSize}, {@code stopAfter},
 * {@code publish}, {@code exitWhenDone}, and {@code env} (overrides of environment variables, as
 * the workers accept).
 */
public final class BackfillVerticle extends VerticleBase {
  /**
   * {@code zkillboard} (default): an entry without a hash gets it from zKillboard's per-day hashes
   * ({@code KILLBOARD_ZKB_BASE_URL}, {@code KILLBOARD_USER_AGENT}); {@code off}: such entries are
   * reported and skipped.
   */
  public static final String ENV_HASHES = "KILLBOARD_BACKFILL_HASHES";

  /** Event-bus address of the finish event: {@code {"succeeded", "report"?, "error"?}}. */
  public static final String FINISHED_ADDRESS = "killboard.backfill.finished";

  private static final Logger LOG = LoggerFactory.getLogger(BackfillVerticle.class);

  private final Promise<BackfillReport> finished = Promise.promise();
  private BackfillSettings settings;
  private BudgetSettings budgetSettings;
  private Consumer<String> out;
  private BudgetedPool pool;
  private BackfillImport backfill;
  private Future<Void> poolClosed;
  private boolean deployedByName;
  private MissingHashes missingHashes = MissingHashes.NONE;
  private ZkillboardDayHashes zkillboard;

  /** For deployment by name: settings come from the config and the environment. */
  public BackfillVerticle() {}

  /** With settings already validated; progress lines go to {@code out}. */
  public BackfillVerticle(
      BackfillSettings settings, BudgetSettings budgetSettings, Consumer<String> out) {
    this.settings = settings;
    this.budgetSettings = budgetSettings;
    this.out = out;
  }

  /**
   * Completes with the report when the import has finished (the pool closes when the verticle is
   * undeployed).
   */
  public Future<BackfillReport> finished() {
    return finished.future();
  }

  @Override
  public Future<?> start() {
    try {
      if (settings == null) {
        deployedByName = true;
        Map<String, String> env =
            Env.environment(config().getJsonObject("env", new JsonObject()).getMap());
        settings = BackfillSettings.fromConfig(config(), env);
        budgetSettings = Env.read(env, BudgetSettings::from).validate();
        missingHashes(env);
      } else {
        missingHashes(System.getenv());
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (out == null) {
      out = LOG::info;
    }
    // Like the workers, the backfill brings the schema up to date first: it may be the first
    // process to start.
    return ConnectionBudget.forVertx(vertx, budgetSettings)
        .compose(budget -> StartupMigration.ensure(vertx, budget).map(budget))
        .compose(budget -> budget.openWorkerPool("backfill#1"))
        .onSuccess(
            p -> {
              pool = p;
              // After deploy has completed: the import may undeploy this verticle when it ends.
              context.runOnContext(v -> begin());
            });
  }

  /**
   * Reads {@value #ENV_HASHES}; zKillboard's own settings are read when an entry first needs them.
   */
  private void missingHashes(Map<String, String> env) {
    if (Env.read(env, BackfillSettings::hashes) == BackfillSettings.HashSource.ZKILLBOARD) {
      zkillboard = new ZkillboardDayHashes(vertx, env);
      missingHashes = zkillboard;
    }
  }

  private void begin() {
    backfill = new BackfillImport(vertx, pool.pool(), settings, out, 5_000, missingHashes);
    // The pool closes on undeploy (stop), after the report is out: its permits go back then.
    backfill
        .run()
        .onComplete(
            ar -> {
              JsonObject event = new JsonObject().put("succeeded", ar.succeeded());
              if (ar.succeeded()) {
                out.accept(ar.result().summary());
                BackfillReport r = ar.result();
                event.put(
                    "report",
                    new JsonObject()
                        .put("files", r.files())
                        .put("entries", r.entries())
                        .put("stored", r.stored())
                        .put("duplicates", r.duplicates())
                        .put("malformed", r.malformed())
                        .put("stopped", r.stopped()));
              } else {
                out.accept(
                    "Backfill failed: "
                        + ar.cause().getMessage()
                        + ". Everything committed stays; run the same"
                        + " command again to resume.");
                event.put("error", String.valueOf(ar.cause().getMessage()));
              }
              finished.handle(ar);
              vertx.eventBus().publish(FINISHED_ADDRESS, event);
              // Deployed by name it is a one-shot and cleans up after itself; BackfillCommand
              // undeploys it itself.
              String id = deploymentID();
              if (deployedByName && id != null && vertx.deploymentIDs().contains(id)) {
                vertx
                    .undeploy(id)
                    .onComplete(
                        u -> {
                          if (config().getBoolean("exitWhenDone", true)
                              && vertx.deploymentIDs().isEmpty()) {
                            vertx.close();
                          }
                        });
              }
            });
  }

  private synchronized Future<Void> closePool() {
    if (zkillboard != null) {
      zkillboard.close();
      zkillboard = null;
    }
    if (poolClosed == null) {
      poolClosed = pool == null ? Future.succeededFuture() : pool.close();
    }
    return poolClosed;
  }

  @Override
  public Future<?> stop() {
    if (backfill == null) {
      return closePool();
    }
    backfill.requestStop();
    return finished.future().transform(ar -> closePool());
  }
}
