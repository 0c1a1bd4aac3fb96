package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.contracts.EntityJob;
import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.Priority;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 12 worker instances in 2 JVMs (6 deployed here, 6 by {@code KillboardLauncher
 * worker:info-characters -cluster -instances 6} in a child process) drain one queue together; their
 * 12 pools of 2 could open 24 connections, but {@code pg_stat_activity} never shows more than the
 * worker class's 16.
 */
@ClusterTest
class WorkerBudgetAcrossJvmsTest {

  @Test
  void twelveInstancesInTwoJvmsStayWithinTheWorkerClass() throws Exception {
    WorkerHarness h = WorkerHarness.get();
    h.reset();
    ChildLauncher child =
        new ChildLauncher(h, "worker:info-characters", "-cluster", "-instances", "6");
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicInteger peak = new AtomicInteger();
    Thread sampler =
        new Thread(
            () -> {
              try (Connection c = h.db.superuserConnection();
                  Statement s = c.createStatement()) {
                while (sampling.get()) {
                  try (ResultSet rs =
                      s.executeQuery(
                          "SELECT count(*) FROM pg_stat_activity WHERE usename = '"
                              + h.db.appUser()
                              + "' AND backend_type = 'client backend'")) {
                    rs.next();
                    peak.accumulateAndGet(rs.getInt(1), Math::max);
                  }
                  Thread.sleep(20);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "pg-sampler");
    String local = null;
    try {
      local = h.deploy("info-characters", 6, null);
      eventually(
          Duration.ofSeconds(120),
          "6 instances started in the child JVM",
          () ->
              child.linesContaining("worker started worker=info-characters#") == 6
                  || !child.alive());
      assertThat(child.alive()).as(child.output()).isTrue();
      sampler.start();

      List<Long> characters = h.fakes.universe().playerCharacterIds();
      List<JsonObject> jobs = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        jobs.add(EntityJob.of(characters.get(i % characters.size())).toJson());
      }
      await(h.queue.enqueueAll(QueueNames.ESI_CHARACTER_INFO, jobs, Priority.NORMAL));
      eventually(
          Duration.ofSeconds(120),
          "600 jobs done",
          () -> h.depth(QueueNames.ESI_CHARACTER_INFO) == 0);
      assertThat(h.count("SELECT count(*) FROM characters")).isEqualTo(characters.size());
      assertThat(await(h.queue.deadLetters(QueueNames.ESI_CHARACTER_INFO, 10))).isEmpty();
      // Both JVMs took part.
      assertThat(child.linesContaining("Pool connection opened")).isPositive();
    } finally {
      sampling.set(false);
      sampler.join(5000);
      if (local != null) {
        h.undeploy(local);
      }
      child.close();
    }
    System.out.println("peak application-role connections across both JVMs: " + peak.get());
    assertThat(peak.get())
        .as("physical connections of the application role, sampled every 20 ms")
        .isGreaterThan(2)
        .isLessThanOrEqualTo(16);
  }
}
