package dev.killboard.backfill;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The backfill command: {@code BackfillCommand [--batch-size=N] [--stop-after=N] [--publish]
 * PATH...}. Joins the cluster (the connection budget lives there), imports on a 2-connection worker
 * pool, prints progress, and exits 0 when done (malformed entries are reported, not fatal), 1 when
 * the import could not go on, 2 on bad arguments or settings. Ctrl-C stops after the batches in
 * flight; the next run resumes.
 */
public final class BackfillCommand {
  private BackfillCommand() {}

  /** Entry point. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    BackfillSettings settings;
    BudgetSettings budget;
    ClusterSettings cluster;
    try {
      settings = BackfillSettings.fromArgs(args, env);
      Env variables = Env.of(env);
      budget = BudgetSettings.from(variables);
      cluster = ClusterSettings.from(variables);
      variables.check();
    } catch (RuntimeException e) {
      err.println(e.getMessage());
      return 2;
    }
    Vertx vertx;
    try {
      vertx = ClusteredVertx.start(cluster, new VertxOptions()).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("Cannot join the Killboard cluster (" + cluster + "): " + e.getMessage());
      return 1;
    }
    BackfillVerticle verticle = new BackfillVerticle(settings, budget, out::println);
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              out.println("[backfill] stopping after the batches in flight; run again to resume");
              vertx.close().await();
              try {
                done.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "backfill-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    int code;
    try {
      String id = vertx.deployVerticle(verticle).await(120, TimeUnit.SECONDS);
      BackfillReport report = verticle.finished().await();
      code = 0;
      try {
        // Undeploy closes the pool: its permits are back before the process leaves the cluster.
        vertx.undeploy(id).await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Ctrl-C: the shutdown hook is already undeploying it; Vert.x close below covers any other
        // case.
      }
      if (report.stopped()) {
        out.println("[backfill] stopped before the end; run the same command again to resume");
      }
    } catch (Exception e) {
      err.println("Backfill failed: " + e.getMessage());
      code = 1;
    } finally {
      done.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      vertx.close().await(60, TimeUnit.SECONDS);
    } catch (IllegalStateException e) {
      // already shutting down: the hook closes Vert.x
    } catch (Exception e) {
      err.println("Vert.x did not close cleanly: " + e.getMessage());
    }
    return code;
  }
}
