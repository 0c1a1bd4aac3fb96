package dev.killboard.budget;

import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cluster member in its own JVM for the multi-process tests: opens worker pools (governed, or
 * plain for the control experiment) and runs queries on them. Prints READY, PROGRESS and a final
 * RESULT line; "stop" on stdin stops it gracefully.
 *
 * <p>Args: mode (governed|plain|hold) pools loopsPerPool seconds queryMillis
 */
public final class LoadNode {
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong tooManyClients = new AtomicLong();
  private final AtomicLong otherErrors = new AtomicLong();
  private volatile String lastError = "";

  public static void main(String[] args) throws Exception {
    new LoadNode()
        .run(
            args[0],
            Integer.parseInt(args[1]),
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]),
            Integer.parseInt(args[4]));
  }

  private void run(String mode, int poolCount, int loops, int seconds, int queryMillis)
      throws Exception {
    ClusterSettings cluster = Env.read(System.getenv(), ClusterSettings::from).validate();
    Vertx vertx = ClusteredVertx.start(cluster, new VertxOptions()).await(120, TimeUnit.SECONDS);
    BudgetSettings settings = Env.read(System.getenv(), BudgetSettings::from);
    List<Pool> pools = new ArrayList<>();
    ConnectionBudget budget = null;
    if (mode.equals("plain")) {
      for (int i = 0; i < poolCount; i++) {
        pools.add(
            PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(2))
                .connectingTo(settings.database().connectOptions("plain"))
                .using(vertx)
                .build());
      }
    } else {
      budget = ConnectionBudget.forVertx(vertx, settings).await(60, TimeUnit.SECONDS);
      for (int i = 0; i < poolCount; i++) {
        pools.add(
            budget
                .openPool(PoolProfile.worker(), "load-" + ProcessHandle.current().pid() + "-" + i)
                .await(60, TimeUnit.SECONDS)
                .pool());
      }
    }
    List<SqlConnection> held = new ArrayList<>();
    if (mode.equals("hold")) {
      for (Pool p : pools) {
        for (int i = 0; i < loops; i++) {
          held.add(p.getConnection().await(60, TimeUnit.SECONDS));
        }
      }
    }
    System.out.println("READY");
    System.out.flush();
    long end = System.currentTimeMillis() + seconds * 1000L;
    List<Future<Void>> running = new ArrayList<>();
    if (!mode.equals("hold")) {
      for (Pool p : pools) {
        for (int i = 0; i < loops; i++) {
          Promise<Void> done = Promise.promise();
          vertx.runOnContext(v -> loop(vertx, p, end, queryMillis, done));
          running.add(done.future());
        }
      }
    } else {
      long timer =
          vertx.setPeriodic(
              200,
              id ->
                  held.get(0)
                      .query("SELECT 1")
                      .execute()
                      .onSuccess(r -> ok.incrementAndGet())
                      .onFailure(e -> otherErrors.incrementAndGet()));
      running.add(
          Future.future(
              p ->
                  vertx.setTimer(
                      seconds * 1000L,
                      id -> {
                        vertx.cancelTimer(timer);
                        p.complete();
                      })));
    }
    Thread stdin =
        new Thread(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.trim().equals("stop")) {
                    break;
                  }
                }
              } catch (Exception ignored) {
                // stdin closed: stop as asked
              }
            });
    stdin.setDaemon(true);
    stdin.start();
    Future.join(running).await(seconds + 300L, TimeUnit.SECONDS);
    System.out.println(
        "RESULT "
            + new JsonObject()
                .put("ok", ok.get())
                .put("retries", retries.get())
                .put("tooManyClients", tooManyClients.get())
                .put("otherErrors", otherErrors.get())
                .put("lastError", lastError)
                .encode());
    System.out.flush();
    stdin.join();
    for (SqlConnection c : held) {
      c.close();
    }
    long t0 = System.currentTimeMillis();
    vertx.close().await(60, TimeUnit.SECONDS);
    System.out.println("STOPPED in " + (System.currentTimeMillis() - t0) + " ms");
    System.out.flush();
    System.exit(0);
  }

  /**
   * One client: query until the deadline; a query refused for lack of a permit is retried (it never
   * started).
   */
  private void loop(Vertx vertx, Pool pool, long end, int queryMillis, Promise<Void> done) {
    if (System.currentTimeMillis() >= end) {
      done.complete();
      return;
    }
    query(vertx, pool, queryMillis).onComplete(ar -> loop(vertx, pool, end, queryMillis, done));
  }

  private Future<Void> query(Vertx vertx, Pool pool, int queryMillis) {
    return pool.query("SELECT pg_sleep(" + (queryMillis / 1000.0) + ")")
        .execute()
        .<Void>mapEmpty()
        .onSuccess(v -> ok.incrementAndGet())
        .recover(
            err -> {
              if (err instanceof BudgetExhaustedException) {
                retries.incrementAndGet();
                return query(vertx, pool, queryMillis);
              }
              if (err instanceof PgException pg && "53300".equals(pg.getSqlState())) {
                tooManyClients.incrementAndGet();
              } else {
                otherErrors.incrementAndGet();
              }
              lastError = err.toString();
              return Future.succeededFuture();
            });
  }
}
