package dev.killboard.worker;

import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The memory benchmark's subject: one JVM running the original's eight production workers,
 * configured from the environment as in production. Prints {@code READY} once all are deployed;
 * exits after {@code args[0]} seconds or on SIGTERM.
 */
public final class WorkersProcess {
  /** The original's production workers, by their Killboard names. */
  static final List<String> PRODUCTION_WORKERS =
      List.of(
          "redisq-stream",
          "info-characters",
          "info-corporations",
          "info-alliances",
          "alliance-corporations",
          "info-types",
          "zkillboard-sync",
          "esi-user-killmails");

  private WorkersProcess() {}

  /** Entry point: {@code WorkersProcess <seconds>}. */
  public static void main(String[] args) throws Exception {
    long seconds = Long.parseLong(args[0]);
    ClusterSettings cluster = Env.read(System.getenv(), ClusterSettings::from).validate();
    Vertx vertx = ClusteredVertx.start(cluster, new VertxOptions()).await(120, TimeUnit.SECONDS);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    vertx.close().await(30, TimeUnit.SECONDS);
                  } catch (Exception ignored) {
                    // exiting anyway
                  }
                }));
    for (String name : PRODUCTION_WORKERS) {
      try {
        vertx.deployVerticle("worker:" + name).await(120, TimeUnit.SECONDS);
      } catch (Exception | Error e) {
        System.out.println("FAILED to deploy worker:" + name + ": " + e);
        System.exit(1);
      }
    }
    System.out.println("READY " + ProcessHandle.current().pid());
    vertx.setTimer(seconds * 1000, t -> System.exit(0));
  }
}
