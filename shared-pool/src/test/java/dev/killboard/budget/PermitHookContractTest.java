package dev.killboard.budget;

import static dev.killboard.testing.Await.holdsWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.Secret;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the permit hook (PermitGatedPgDriver) to the vertx-pg-client in use: for every way a
 * physical connection ends, the permit it took comes back exactly once. A Vert.x upgrade that
 * changes the internals fails here.
 */
@ClusterTest
class PermitHookContractTest {
  private static final Duration SHORT = Duration.ofSeconds(15);
  private static EmbeddedDatabase db;
  private static Vertx vertx;
  private static ConnectionBudget budget;
  private final List<BudgetedPool> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    db = SharedServices.database();
    TestCluster cluster = new TestCluster(0);
    vertx = cluster.startMember();
    budget = ConnectionBudget.start(vertx, TestCluster.budget(db)).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    budget.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void closePools() throws Exception {
    for (BudgetedPool p : opened) {
      p.close().await(30, TimeUnit.SECONDS);
    }
    assertThat(available("worker")).as("every worker permit is back after the test").isEqualTo(16);
  }

  private BudgetedPool open(PoolProfile profile, String owner) throws Exception {
    BudgetedPool p = budget.openPool(profile, owner).await(30, TimeUnit.SECONDS);
    opened.add(p);
    return p;
  }

  private static int available(String cls) throws Exception {
    return budget.status().await(30, TimeUnit.SECONDS).classes().get(cls).available();
  }

  @Test
  void poolEventLogAndMetersShowTheRealCounts() throws Exception {
    ch.qos.logback.classic.Logger events =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("dev.killboard.budget.PoolEvents");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    events.addAppender(lines);
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    budget.bindMetrics(meters);
    try {
      BudgetedPool pool =
          budget.openPool(PoolProfile.worker(), "event-log").await(30, TimeUnit.SECONDS);
      pool.pool().query("SELECT 1").execute().await(10, TimeUnit.SECONDS);
      assertThat(
              meters
                  .get("killboard.pool.connections")
                  .tag("pool", pool.poolId())
                  .tag("state", "total")
                  .gauge()
                  .value())
          .isEqualTo(1.0);
      assertThat(meters.get("killboard.budget.permits.held").tag("class", "worker").gauge().value())
          .isEqualTo(1.0);
      assertThat(meters.get("killboard.budget.permits.size").tag("class", "worker").gauge().value())
          .isEqualTo(16.0);
      pool.close().await(30, TimeUnit.SECONDS);
      List<String> messages =
          lines.list.stream()
              .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
              .toList();
      assertThat(messages)
          .containsExactly(
              "[Worker] PostgreSQL pool configured: max=2 connections, min=0, idleTimeout=10s, pid="
                  + ProcessHandle.current().pid(),
              "[Worker] Pool connection opened - Total: 1, Idle: 0, Waiting: 0",
              "[Worker] Pool connection closed - Total: 0, Idle: 0, Waiting: 0");
    } finally {
      events.detachAppender(lines);
    }
  }

  @Test
  void failedConnectGivesThePermitBackAtOnce() throws Exception {
    DatabaseSettings wrongPassword =
        new DatabaseSettings(
            db.host(),
            db.port(),
            db.database(),
            db.appUser(),
            new Secret("not-the-password"),
            io.vertx.pgclient.SslMode.DISABLE,
            false,
            null,
            Duration.ZERO);
    ConnectionBudget other =
        ConnectionBudget.start(vertx, TestCluster.budget(db).withDatabase(wrongPassword))
            .await(30, TimeUnit.SECONDS);
    try {
      assertThatThrownBy(
              () ->
                  other.openPool(PoolProfile.worker(), "bad-password").await(30, TimeUnit.SECONDS))
          .hasMessageContaining("password");
      assertThat(available("worker")).isEqualTo(16);
      assertThat(other.heldByThisMember("worker")).isZero();
    } finally {
      other.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void idleEvictionGivesThePermitBack() throws Exception {
    BudgetedPool pool =
        open(PoolProfile.worker().withIdleTimeout(Duration.ofSeconds(1)), "idle-test");
    pool.pool().query("SELECT 1").execute().await(10, TimeUnit.SECONDS);
    assertThat(pool.permitsHeld()).isEqualTo(1);
    assertThat(available("worker")).isEqualTo(15);
    assertThat(holdsWithin(SHORT, () -> pool.permitsHeld() == 0))
        .as("evicted after idle timeout")
        .isTrue();
    assertThat(available("worker")).isEqualTo(16);
    assertThat(db.countAppConnections()).isZero();
  }

  @Test
  void terminatedWhileIdleGivesThePermitBack() throws Exception {
    BudgetedPool pool = open(PoolProfile.worker(), "terminate-idle");
    pool.pool().query("SELECT 1").execute().await(10, TimeUnit.SECONDS);
    assertThat(pool.permitsHeld()).isEqualTo(1);
    assertThat(db.terminateAppConnections()).isEqualTo(1);
    assertThat(holdsWithin(SHORT, () -> pool.permitsHeld() == 0)).isTrue();
    assertThat(available("worker")).isEqualTo(16);
    // The pool recovers: a new physical connection takes a new permit.
    pool.pool().query("SELECT 1").execute().await(10, TimeUnit.SECONDS);
    assertThat(pool.permitsHeld()).isEqualTo(1);
  }

  @Test
  void terminatedWhileBorrowedGivesThePermitBack() throws Exception {
    BudgetedPool pool = open(PoolProfile.worker(), "terminate-borrowed");
    SqlConnection conn = pool.pool().getConnection().await(10, TimeUnit.SECONDS);
    assertThat(pool.stats().inUse()).isEqualTo(1);
    assertThat(db.terminateAppConnections()).isEqualTo(1);
    assertThat(holdsWithin(SHORT, () -> pool.permitsHeld() == 0)).isTrue();
    assertThatThrownBy(() -> conn.query("SELECT 1").execute().await(10, TimeUnit.SECONDS))
        .isNotNull();
    conn.close().await(10, TimeUnit.SECONDS);
    assertThat(available("worker")).isEqualTo(16);
  }

  @Test
  void poolCloseGivesEveryPermitBackBeforeItCompletes() throws Exception {
    BudgetedPool pool =
        budget.openPool(PoolProfile.worker(), "close-test").await(30, TimeUnit.SECONDS);
    SqlConnection a = pool.pool().getConnection().await(10, TimeUnit.SECONDS);
    SqlConnection b = pool.pool().getConnection().await(10, TimeUnit.SECONDS);
    assertThat(pool.permitsHeld()).isEqualTo(2);
    assertThat(pool.stats()).isEqualTo(new PoolStats(2, 0, 2, 0));
    a.close().await(10, TimeUnit.SECONDS);
    assertThat(pool.stats()).isEqualTo(new PoolStats(2, 1, 1, 0));
    pool.close().await(30, TimeUnit.SECONDS);
    assertThat(pool.permitsHeld()).isZero();
    assertThat(available("worker")).isEqualTo(16);
    b.close();
  }

  @Test
  void undeployGivesEveryPermitBack() throws Exception {
    Promise<BudgetedPool> started = Promise.promise();
    String id =
        vertx
            .deployVerticle(
                new VerticleBase() {
                  BudgetedPool pool;

                  @Override
                  public Future<?> start() {
                    return budget
                        .openPool(PoolProfile.worker(), "undeploy-test")
                        .compose(
                            p -> {
                              pool = p;
                              return Future.all(p.pool().getConnection(), p.pool().getConnection())
                                  .map(p);
                            })
                        .onComplete(started);
                  }

                  @Override
                  public Future<?> stop() {
                    return pool.close();
                  }
                })
            .await(30, TimeUnit.SECONDS);
    BudgetedPool pool = started.future().await(30, TimeUnit.SECONDS);
    assertThat(pool.permitsHeld()).isEqualTo(2);
    assertThat(available("worker")).isEqualTo(14);
    vertx.undeploy(id).await(30, TimeUnit.SECONDS);
    assertThat(pool.permitsHeld()).isZero();
    assertThat(available("worker")).isEqualTo(16);
  }

  @Test
  void exhaustionFailsAfterTheConnectionTimeoutNamingClassAndHolders() throws Exception {
    List<SqlConnection> held = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      BudgetedPool p = open(PoolProfile.worker(), "holder-" + i);
      held.add(p.pool().getConnection().await(10, TimeUnit.SECONDS));
      held.add(p.pool().getConnection().await(10, TimeUnit.SECONDS));
    }
    assertThat(available("worker")).isZero();
    BudgetedPool starved =
        open(PoolProfile.worker().withConnectionTimeout(Duration.ofSeconds(1)), "starved");
    assertThatThrownBy(() -> starved.pool().getConnection().await(20, TimeUnit.SECONDS))
        .isInstanceOf(BudgetExhaustedException.class)
        .hasMessageContaining("'worker'")
        .hasMessageContaining("16 of 16")
        .hasMessageContaining("holder-3");
    assertThat(starved.permitsHeld()).isZero();
    for (SqlConnection c : held) {
      c.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRequestThatOutwaitsThePoolIsRecognisedAsAShortage() throws Exception {
    // Both connections of a pool lent out: a third request waits in the pool itself, past its
    // connection timeout.
    BudgetedPool pool =
        open(PoolProfile.worker().withConnectionTimeout(Duration.ofMillis(500)), "busy");
    SqlConnection a = pool.pool().getConnection().await(10, TimeUnit.SECONDS);
    SqlConnection b = pool.pool().getConnection().await(10, TimeUnit.SECONDS);
    Throwable waited =
        pool.pool()
            .getConnection()
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
            .await(20, TimeUnit.SECONDS);
    assertThat(waited).as("the pool's wait ran out").isNotNull();
    assertThat(ConnectionShortage.is(waited)).as("%s is recognised as a shortage", waited).isTrue();
    assertThat(ConnectionShortage.is(new IllegalStateException("Timeout"))).isFalse();
    // A statement run on the pool itself (the server check at start) waits the same way, and fails
    // differently.
    Throwable statement =
        pool.pool()
            .query("SELECT 1")
            .execute()
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
            .await(20, TimeUnit.SECONDS);
    assertThat(statement).as("the statement's wait for a connection ran out").isNotNull();
    assertThat(ConnectionShortage.is(statement))
        .as("%s is recognised as a shortage", statement)
        .isTrue();
    a.close().await(10, TimeUnit.SECONDS);
    b.close().await(10, TimeUnit.SECONDS);
  }
}
