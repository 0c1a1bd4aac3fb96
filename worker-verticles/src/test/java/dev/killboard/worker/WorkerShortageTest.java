package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.PoolProfile;
import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.queue.Priority;
import dev.killboard.queue.QueueStatus;
import dev.killboard.store.StartupMigration;
import dev.killboard.testing.ClusterTest;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shortage of connection permits means waiting, never dying or burning attempts: a worker
 * deployed while every worker permit is held starts, takes jobs only to hand them back unchanged,
 * and does them all once permits free up.
 */
@ClusterTest
class WorkerShortageTest {

  @Test
  void aWorkerStartedDuringAShortageWaitsAndSpendsNoAttempt() throws Exception {
    WorkerHarness h = WorkerHarness.get();
    h.reset();
    FakeUniverse u = h.fakes.universe();
    // The schema is current before the shortage, as in a running cluster (run first in its JVM, the
    // worker's own start migration would otherwise wait for a permit): this test is about jobs, not
    // the migration.
    await(StartupMigration.ensure(h.vertx, h.budget));
    // Someone else holds all 16 worker permits: 8 pools with 2 borrowed connections each.
    List<BudgetedPool> hogs = new ArrayList<>();
    List<SqlConnection> held = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      BudgetedPool pool = await(h.budget.openPool(PoolProfile.worker(), "hog#" + i));
      hogs.add(pool);
      held.add(await(pool.pool().getConnection()));
      held.add(await(pool.pool().getConnection()));
    }
    String deployment = null;
    try {
      assertThat(h.budget.status().await().classes().get("worker").available()).isZero();
      List<Long> ids = u.playerCharacterIds().subList(0, 5);
      for (long id : ids) {
        await(
            h.queue.enqueue(
                QueueNames.ESI_CHARACTER_INFO, EntityJob.of(id).toJson(), Priority.NORMAL));
      }
      // The deployment completes although no permit is free.
      deployment = h.deploy("info-characters");
      BudgetedPool workerPool =
          h.budget.pools().stream()
              .filter(p -> p.owner().startsWith("info-characters#"))
              .findFirst()
              .orElseThrow();
      // It tries: its pool waits for a permit, and a permit wait runs out at least once (10 s).
      eventually(
          Duration.ofSeconds(30),
          "the worker's pool waits for a permit",
          () -> workerPool.stats().waiting() > 0);
      // Past one whole permit wait (10 s): the failure it ends in is what used to burn attempts.
      // Nothing announces it,
      // so the test lets that time pass.
      Thread.sleep(PoolProfile.worker().connectionTimeout().toMillis() + 3_000);
      QueueStatus during = await(h.queue.status(QueueNames.ESI_CHARACTER_INFO));
      assertThat(during.deadLetters()).as("no dead letters during the shortage").isZero();
      assertThat(during.depth().delayed()).as("no job waits for a retry: none failed").isZero();
      assertThat(h.count("SELECT count(*) FROM characters")).isZero();

      // Permits come free: every job is done, none has spent an attempt.
      held.forEach(SqlConnection::close);
      held.clear();
      for (BudgetedPool pool : hogs) {
        await(pool.close());
      }
      hogs.clear();
      eventually(
          Duration.ofSeconds(60),
          "5 characters",
          () -> h.count("SELECT count(*) FROM characters") == 5);
      QueueStatus after = await(h.queue.status(QueueNames.ESI_CHARACTER_INFO));
      assertThat(after.deadLetters()).isZero();
      assertThat(after.depth().delayed()).as("no retries were scheduled").isZero();
    } finally {
      held.forEach(SqlConnection::close);
      for (BudgetedPool pool : hogs) {
        await(pool.close());
      }
      if (deployment != null) {
        h.undeploy(deployment);
      }
    }
  }
}
