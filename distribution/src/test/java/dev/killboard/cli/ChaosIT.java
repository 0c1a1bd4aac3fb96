package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.killboard.budget.BudgetStatus;
import dev.killboard.queue.QueueNames;
import dev.killboard.queue.QueueStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite's short variant: the distribution started as an operator starts it (4 JVMs with {@code bin/killboard
 * run}, CP mode with 3 CP members, 22 worker instances on 16 worker permits, the API under load, a job producer and
 * the R2Z2 feed) through real faults, with PostgreSQL's connections sampled every 50 ms the whole time.
 *
 * <p>After every fault the budget must be whole again within the CP session TTL + 5 s: per class, permits in use = what
 * the pools of live members hold, and that = the connections PostgreSQL sees. Always: never more than 21 connections,
 * never {@code too many clients} (SQLSTATE 53300), no process exits unless the test ends it, no job dead-lettered and
 * no retry scheduled (faults and stops spend no attempt).
 */
class ChaosIT {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration HEAL = TTL.plusSeconds(5);

  private static PackagedCluster cluster;
  private static ConnectionSampler sampler;

  @BeforeAll
  static void start() throws Exception {
    cluster = PackagedCluster.start("chaos", 6);
    sampler = ConnectionSampler.start(cluster.db());
  }

  @AfterAll
  static void stop() throws Exception {
    if (sampler != null) {
      sampler.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theBudgetHealsAfterEveryFault() throws Exception {
    Map<String, String> cp = new LinkedHashMap<>();
    cp.put("KILLBOARD_CP_MEMBERS", "3");
    cp.put("KILLBOARD_CP_SESSION_TTL_SECONDS", Long.toString(TTL.toSeconds()));
    cp.put("KILLBOARD_CP_HEARTBEAT_SECONDS", "2");
    // The first three members form the CP group: the API and two worker JVMs; the fourth is a plain member.
    PackagedProcess api = cluster.start("api", cp, "run", "api", "-instances", "2");
    PackagedProcess production = cluster.start("production", cp, "run", "worker:production");
    PackagedProcess characters = cluster.start("characters", cp, "run", "worker:info-characters", "-instances", "8");
    PackagedProcess corporations = cluster.start("corporations", cp, "run", "worker:info-corporations", "-instances", "6");
    PackagedCluster.awaitDeployed(api, "dev.killboard.api.ApiVerticle");
    PackagedCluster.awaitDeployed(production, "worker:production");
    PackagedCluster.awaitDeployed(characters, "worker:info-characters");
    PackagedCluster.awaitDeployed(corporations, "worker:info-corporations");
    HazelcastInstance client = HazelcastClient.newHazelcastClient(BudgetStatusCommand.clientConfig(cluster.settings(cp)));
    try (JobProducer producer = JobProducer.start(cluster);
         ApiLoad load = ApiLoad.start(cluster.graphqlUrl(), 2)) {
      // A shortage: 22 worker instances want 44 connections of 16.
      awaitHealthy(client, "start", Duration.ofSeconds(60), true);

      // 1. PostgreSQL restarted: every connection of every member drops at once.
      cluster.db().restartImmediate();
      awaitHealthy(client, "PostgreSQL immediate restart", HEAL, true);

      // 2. A plain member killed (SIGKILL): its permits come back when its session expires.
      corporations.kill();
      awaitHealthy(client, "kill -9 of a plain member", HEAL, true);
      // ... and started again during the shortage: it waits for permits instead of exiting.
      corporations = cluster.start("corporations-2", cp, "run", "worker:info-corporations", "-instances", "6");
      PackagedCluster.awaitDeployed(corporations, "worker:info-corporations");
      awaitHealthy(client, "restart during a shortage", HEAL, true);

      // 3. A CP member paused past its session TTL (a GC pause): before its session expires the guard ends its
      //    PostgreSQL connections, then the CP group hands its permits to the others; when it wakes it drops those
      //    permits unreleased and takes new ones.
      List<Integer> frozen = backendsOf(client, characters.pid());
      assertThat(frozen).as("connections of the member about to be paused").isNotEmpty();
      characters.pause();
      awaitTakenOver(client, frozen, HEAL.plus(TTL));
      characters.resume();
      awaitHealthy(client, "SIGCONT after a pause past the TTL", HEAL, true);

      // 4. SIGTERM during the shortage: a clean stop in bounded time, its jobs handed back unspent.
      corporations.terminate();
      OptionalInt exit = corporations.awaitExit(Duration.ofSeconds(30));
      assertThat(exit).as("stop within 30 s of SIGTERM:%n%s", corporations.output()).isPresent();
      assertThat(exit.getAsInt()).isZero();
      awaitHealthy(client, "SIGTERM during a shortage", HEAL, true);

      producer.stop();
      load.stop();
      assertThat(load.errors()).as("API answers under the faults, besides the database restart").isLessThan(load.ok());
      for (String queue : List.of(QueueNames.ESI_CHARACTER_INFO, QueueNames.ESI_CORPORATION_INFO)) {
        QueueStatus status = producer.status(queue);
        assertThat(status.deadLetters()).as("dead letters of %s", queue).isZero();
      }
    } finally {
      client.shutdown();
    }

    assertThat(sampler.max()).as("connections of the application role, sampled every 50 ms").isLessThanOrEqualTo(21);
    for (PackagedProcess p : cluster.processes()) {
      assertThat(p.output()).as(p.name()).doesNotContain("53300").doesNotContain("too many clients");
    }
    for (PackagedProcess p : List.of(api, production, characters)) {
      assertThat(p.isAlive()).as("%s is still running", p.name()).isTrue();
    }
  }

  /** The backends (server pids) the pools of process {@code pid} recorded. */
  private static List<Integer> backendsOf(HazelcastInstance client, long pid) {
    return BudgetStatusCommand.read(client).classes().values().stream().flatMap(c -> c.holders().stream())
        .filter(h -> h.pid() == pid).flatMap(h -> h.backends().stream()).toList();
  }

  /** While a member stands still: none of its connections is left, and the others hold every worker permit. */
  private static void awaitTakenOver(HazelcastInstance client, List<Integer> frozen, Duration within) throws Exception {
    long started = System.nanoTime();
    long deadline = started + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      List<Integer> left = cluster.db().appBackends().stream().filter(frozen::contains).toList();
      BudgetStatus status = BudgetStatusCommand.read(client);
      last = status.render() + "connections of the paused member still open: " + left;
      if (left.isEmpty() && status.classes().get("worker").available() == 0) {
        System.out.printf("chaos: paused member's connections ended and its permits taken over after %.1f s%n",
            (System.nanoTime() - started) / 1e9);
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the paused member's permits were not taken over within " + within.toSeconds() + " s:\n"
        + last);
  }

  /**
   * Waits until the budget is whole: per class, in use (size − available) = what live members' pools hold, and the
   * permits held = the connections PostgreSQL sees; with {@code saturated}, also that the load holds every worker
   * permit again (full capacity back, not just consistent books).
   */
  private static void awaitHealthy(HazelcastInstance client, String fault, Duration within, boolean saturated)
      throws Exception {
    long started = System.nanoTime();
    long deadline = started + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      BudgetStatus status = BudgetStatusCommand.read(client);
      int connections = cluster.db().countAppConnections();
      int held = status.classes().values().stream().mapToInt(BudgetStatus.ClassStatus::heldByHolders).sum();
      boolean books = status.classes().values().stream().allMatch(c -> c.inUse() == c.heldByHolders());
      boolean full = !saturated || status.classes().get("worker").available() == 0;
      last = status.render() + "connections seen by PostgreSQL: " + connections;
      if (books && full && held == connections) {
        System.out.printf("chaos: budget whole %.1f s after %s%n", (System.nanoTime() - started) / 1e9, fault);
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the budget was not whole within " + within.toSeconds() + " s after " + fault + ":\n" + last);
  }
}
