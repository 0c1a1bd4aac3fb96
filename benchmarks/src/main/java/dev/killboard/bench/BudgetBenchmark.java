package dev.killboard.bench;

import com.hazelcast.cp.ISemaphore;
import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.budget.PoolProfile;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import dev.killboard.embedded.EmbeddedDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what the connection budget costs: permit acquire+release latency (unsafe and CP mode),
 * time to the first query through a governed pool against a plain one, and steady query throughput
 * governed against plain.
 */
public final class BudgetBenchmark {
  private static final int PERMIT_ROUNDS = 2_000;

  private BudgetBenchmark() {}

  public static void main(String[] args) throws Exception {
    EmbeddedDatabase db = EmbeddedDatabase.start();
    DatabaseSettings database =
        new DatabaseSettings(
            db.host(),
            db.port(),
            db.database(),
            db.appUser(),
            new Secret(db.appPassword()),
            SslMode.DISABLE,
            false,
            null,
            Duration.ofSeconds(30));
    System.out.printf(
        "Killboard connection budget benchmark (%d cores, Java %s)%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    List<Vertx> unsafe = cluster(1, 0);
    permitLatency("unsafe mode, 1 member", unsafe.get(0));
    ConnectionBudget budget =
        ConnectionBudget.forVertx(unsafe.get(0), BudgetSettings.defaults(database))
            .await(60, TimeUnit.SECONDS);
    if (System.getenv("KILLBOARD_BENCH_POOL") == null) {
      firstQuery(unsafe.get(0), budget, database);
    }
    throughput(unsafe.get(0), budget, database);
    budget.close().await(60, TimeUnit.SECONDS);
    closeAll(unsafe);

    List<Vertx> cp = cluster(3, 3);
    permitLatency("CP mode, 3 CP members", cp.get(0));
    db.close();
    // Leaving a 3-member CP group one by one waits for majorities that are going away: just end the
    // process.
    System.exit(0);
  }

  private static List<Vertx> cluster(int members, int cpMembers) throws Exception {
    int base = 20000 + ThreadLocalRandom.current().nextInt(2000) * 10;
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      addresses.add("127.0.0.1:" + (base + i));
    }
    ClusterSettings s =
        Env.read(
            Map.of(
                ClusterSettings.ENV_CLUSTER_NAME,
                "kb-bench-" + UUID.randomUUID().toString().substring(0, 8),
                ClusterSettings.ENV_PORT,
                Integer.toString(base),
                ClusterSettings.ENV_MEMBERS,
                String.join(",", addresses),
                ClusterSettings.ENV_CP_MEMBERS,
                Integer.toString(cpMembers)),
            ClusterSettings::from);
    List<Vertx> out = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      out.add(ClusteredVertx.start(s, new VertxOptions()).await(120, TimeUnit.SECONDS));
    }
    return out;
  }

  private static void closeAll(List<Vertx> members) throws Exception {
    for (int i = members.size() - 1; i >= 0; i--) {
      members.get(i).close().await(60, TimeUnit.SECONDS);
    }
  }

  /** Acquire then release one permit, repeatedly, from a worker thread as the budget does. */
  private static void permitLatency(String mode, Vertx vertx) throws InterruptedException {
    ISemaphore semaphore =
        ClusteredVertx.hazelcast(vertx)
            .getCPSubsystem()
            .getSemaphore("killboard.bench." + mode.hashCode());
    semaphore.init(16);
    long[] nanos = new long[PERMIT_ROUNDS];
    for (int i = 0; i < 200; i++) {
      semaphore.acquire();
      semaphore.release();
    }
    for (int i = 0; i < PERMIT_ROUNDS; i++) {
      long t0 = System.nanoTime();
      semaphore.acquire();
      semaphore.release();
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "permit acquire+release, %s: p50 %.3f ms, p99 %.3f ms (%d rounds)%n",
        mode,
        nanos[PERMIT_ROUNDS / 2] / 1e6,
        nanos[(int) (PERMIT_ROUNDS * 0.99)] / 1e6,
        PERMIT_ROUNDS);
  }

  private static void firstQuery(Vertx vertx, ConnectionBudget budget, DatabaseSettings database)
      throws Exception {
    int trials = 20;
    long[] governed = new long[trials];
    long[] plain = new long[trials];
    for (int i = 0; i < trials; i++) {
      long t0 = System.nanoTime();
      Pool p =
          PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(2))
              .connectingTo(database.connectOptions("bench-plain"))
              .using(vertx)
              .build();
      p.query("SELECT 1").execute().await(120, TimeUnit.SECONDS);
      plain[i] = System.nanoTime() - t0;
      p.close().await(120, TimeUnit.SECONDS);

      t0 = System.nanoTime();
      BudgetedPool g =
          budget.openPool(PoolProfile.worker(), "bench-first-" + i).await(120, TimeUnit.SECONDS);
      g.pool().query("SELECT 1").execute().await(120, TimeUnit.SECONDS);
      governed[i] = System.nanoTime() - t0;
      g.close().await(120, TimeUnit.SECONDS);
    }
    Arrays.sort(governed);
    Arrays.sort(plain);
    System.out.printf(
        "time to first query (median of %d): governed %.2f ms, plain %.2f ms%n",
        trials, governed[trials / 2] / 1e6, plain[trials / 2] / 1e6);
  }

  private static void throughput(Vertx vertx, ConnectionBudget budget, DatabaseSettings database)
      throws Exception {
    Pool plain =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(5))
            .connectingTo(database.connectOptions("bench-plain"))
            .using(vertx)
            .build();
    BudgetedPool governed =
        "own".equals(System.getenv("KILLBOARD_BENCH_POOL"))
            ? budget
                .openPool(PoolProfile.api().withMinSize(0), "bench-api")
                .await(120, TimeUnit.SECONDS)
            : budget.sharedPool(PoolProfile.api(), "bench-api").await(120, TimeUnit.SECONDS);
    int rounds = 5;
    double[] g = new double[rounds];
    double[] p = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      // Alternate who goes first so a drift in machine load does not favour one side.
      if (round % 2 == 0) {
        p[round] = run(vertx, plain, 10);
        g[round] = run(vertx, governed.pool(), 10);
      } else {
        g[round] = run(vertx, governed.pool(), 10);
        p[round] = run(vertx, plain, 10);
      }
      System.out.printf(
          "steady throughput, 32 clients on 5 connections, 10 s (round %d): governed %.0f q/s, plain %.0f q/s%n",
          round + 1, g[round], p[round]);
    }
    Arrays.sort(g);
    Arrays.sort(p);
    System.out.printf(
        "steady throughput, median of %d rounds: governed %.0f q/s, plain %.0f q/s (governed/plain = %.2f)%n",
        rounds, g[rounds / 2], p[rounds / 2], g[rounds / 2] / p[rounds / 2]);
    plain.close().await(120, TimeUnit.SECONDS);
    governed.close().await(120, TimeUnit.SECONDS);
  }

  private static double run(Vertx vertx, Pool pool, int seconds) throws Exception {
    AtomicLong done = new AtomicLong();
    long end = System.currentTimeMillis() + seconds * 1000L;
    List<Future<Void>> clients = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      Promise<Void> p = Promise.promise();
      vertx.runOnContext(v -> loop(pool, end, done, p));
      clients.add(p.future());
    }
    Future.all(clients).await(120, TimeUnit.SECONDS);
    return done.get() / (double) seconds;
  }

  private static void loop(Pool pool, long end, AtomicLong done, Promise<Void> finished) {
    if (System.currentTimeMillis() >= end) {
      finished.complete();
      return;
    }
    pool.preparedQuery("SELECT $1::int")
        .execute(io.vertx.sqlclient.Tuple.of(1))
        .onSuccess(r -> done.incrementAndGet())
        .onComplete(ar -> loop(pool, end, done, finished));
  }
}
