package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.killboard.budget.BudgetStatus;
import dev.killboard.contracts.QueueNames;
import dev.killboard.queue.QueueStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
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
  /** The long variant (docs/chaos.md): more rounds and further faults. */
  private static final boolean LONG = Boolean.getBoolean("killboard.chaos.long");
  private static final int ROUNDS = LONG ? Integer.getInteger("killboard.chaos.rounds", 3) : 1;
  private static final Duration REDIS_DOWN = Duration.ofSeconds(LONG ? 30 : 10);

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
    // Permits rotate faster than the default minute, so a member restarted during the shortage gets its turn sooner.
    cp.put("KILLBOARD_POOL_WORKER_MAX_LIFETIME_SECONDS", "20");
    // The first three members to join form the CP group: the API and two worker JVMs, started first; the JVM with
    // the most worker instances joins after them as a plain member.
    PackagedProcess api = cluster.start("api", cp, "run", "api", "-instances", "2");
    PackagedProcess production = cluster.start("production", cp, "run", "worker:production");
    PackagedProcess corporations = cluster.start("corporations", cp, "run", "worker:info-corporations", "-instances", "6");
    PackagedCluster.awaitDeployed(api, "dev.killboard.api.ApiVerticle");
    PackagedCluster.awaitDeployed(production, "worker:production");
    PackagedCluster.awaitDeployed(corporations, "worker:info-corporations");
    PackagedProcess characters = cluster.start("characters", cp, "run", "worker:info-characters", "-instances", "8");
    PackagedCluster.awaitDeployed(characters, "worker:info-characters");
    // The test reads the budget through the API member only: a smart client would also route through the member the
    // test pauses, and an operation sent there waits until Hazelcast gives up on it (two minutes).
    com.hazelcast.client.config.ClientConfig config = BudgetStatusCommand.clientConfig(cluster.settings(cp));
    config.getNetworkConfig().setAddresses(List.of(cluster.firstMemberAddress())).setSmartRouting(false);
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    List<String> summary = new ArrayList<>();
    try (JobProducer producer = JobProducer.start(cluster);
         ApiLoad load = ApiLoad.start(cluster.graphqlUrl(), 2);
         ChaosTimeline timeline = ChaosTimeline.start(cluster.db(), client, producer, load)) {
      try {
        // A shortage: 22 worker instances want 44 connections of 16.
        summary.add(awaitHealthy(client, "start", Duration.ofSeconds(60), true));
        for (int round = 1; round <= ROUNDS; round++) {
          characters = faults(client, timeline, summary, cp, characters, round);
        }
        if (LONG) {
          corporations = longFaults(client, timeline, summary, cp, corporations);
        }

        // Redis down while killmails keep arriving: their unknown names wait in the outbox, not lost.
        producer.stop();
        timeline.mark("Redis outage " + REDIS_DOWN.toSeconds() + " s");
        java.time.Instant outageStart = java.time.Instant.now();
        cluster.redis().stop();
        Thread.sleep(REDIS_DOWN.toMillis()); // the outage's length: the fault itself, not a synchronisation
        cluster.redis().restart();
        timeline.mark("Redis back");
        summary.add(awaitNamesResolved(outageStart, Duration.ofSeconds(60)));
        summary.add(awaitHealthy(client, "Redis outage", HEAL, false));

        load.stop();
        summary.add("API: " + load.ok() + " answers, " + load.errors() + " failures (during PostgreSQL's outages)");
        assertThat(load.errors()).as("API answers under the faults, besides the database restart").isLessThan(load.ok());
        for (String queue : List.of(QueueNames.ESI_CHARACTER_INFO, QueueNames.ESI_CORPORATION_INFO)) {
          QueueStatus status = producer.status(queue);
          summary.add(queue + ": " + status.deadLetters() + " dead letters, " + status.depth().delayed() + " retries pending");
          assertThat(status.deadLetters()).as("dead letters of %s", queue).isZero();
        }
      } finally {
        summary.add("max connections sampled: " + sampler.max() + " over " + sampler.samples() + " samples (every 50 ms)");
        summary.forEach(line -> System.out.println("chaos: " + line));
        timeline.close();
        Path report = Path.of(System.getProperty("killboard.chaos.report", "target/chaos/report.html"));
        timeline.writeHtml(report, "Killboard chaos run (" + (LONG ? "long" : "short") + " variant)", summary);
        System.out.println("chaos: report written to " + report.toAbsolutePath());
      }
    } finally {
      client.shutdown();
    }

    assertThat(sampler.max()).as("connections of the application role, sampled every 50 ms").isLessThanOrEqualTo(21);
    for (PackagedProcess p : cluster.processes()) {
      assertThat(p.output()).as(p.name()).doesNotContain("53300").doesNotContain("too many clients");
    }
    for (PackagedProcess p : List.of(api, production, corporations, characters)) {
      assertThat(p.isAlive()).as("%s is still running", p.name()).isTrue();
    }
  }

  /** One round of the short variant's faults, on the plain member; returns the one running after the round. */
  private static PackagedProcess faults(HazelcastInstance client, ChaosTimeline timeline, List<String> summary,
      Map<String, String> cp, PackagedProcess plain, int round) throws Exception {
    // 1. PostgreSQL restarted: every connection of every member drops at once.
    timeline.mark("PostgreSQL immediate restart");
    cluster.db().restartImmediate();
    summary.add(awaitHealthy(client, "PostgreSQL immediate restart", HEAL, true));

    // 2. A plain member killed (SIGKILL): its permits come back when its session expires.
    timeline.mark("kill -9 of a plain member");
    plain.kill();
    summary.add(awaitHealthy(client, "kill -9 of a plain member", HEAL, true));
    // ... and started again during the shortage: it waits for permits instead of exiting.
    timeline.mark("restart during a shortage");
    plain = cluster.start("characters-" + round, cp, "run", "worker:info-characters", "-instances", "8");
    PackagedCluster.awaitDeployed(plain, "worker:info-characters");
    summary.add(awaitHealthy(client, "restart during a shortage", HEAL, true));

    // 3. A member paused past its session TTL (a GC pause): before its session expires the session guard ends its
    //    PostgreSQL connections, then the CP group hands its permits to the others; when it wakes it drops those
    //    permits unreleased and takes new ones.
    List<Integer> frozen = awaitBackendsOf(client, plain.pid(), Duration.ofSeconds(90));
    timeline.mark("SIGSTOP of a member");
    plain.pause();
    long pausedAt = System.nanoTime();
    try {
      summary.add(awaitTakenOver(client, frozen, HEAL.plus(TTL)));
      // Past the TTL: the CP group has closed its session, so when it wakes the fence must act for real.
      long left = TTL.plusSeconds(3).toNanos() - (System.nanoTime() - pausedAt);
      if (left > 0) {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left)); // the pause's length is the fault itself
      }
    } finally {
      plain.resume();
    }
    timeline.mark("SIGCONT");
    summary.add(awaitHealthy(client, "SIGCONT after a pause past the TTL", HEAL, true));

    // 4. SIGTERM during the shortage: a clean stop in bounded time, its jobs handed back unspent.
    timeline.mark("SIGTERM during a shortage");
    long stopAt = System.nanoTime();
    plain.terminate();
    OptionalInt exit = plain.awaitExit(Duration.ofSeconds(30));
    assertThat(exit).as("stop within 30 s of SIGTERM:%n%s", plain.output()).isPresent();
    assertThat(exit.getAsInt()).isZero();
    summary.add(String.format("SIGTERM during a shortage: exit 0 after %.1f s", (System.nanoTime() - stopAt) / 1e9));
    summary.add(awaitHealthy(client, "SIGTERM during a shortage", HEAL, true));
    plain = cluster.start("characters-" + round + "b", cp, "run", "worker:info-characters", "-instances", "8");
    PackagedCluster.awaitDeployed(plain, "worker:info-characters");
    return plain;
  }

  /** The long variant's further faults: a CP member killed and started again, and PostgreSQL down for 30 s. */
  private static PackagedProcess longFaults(HazelcastInstance client, ChaosTimeline timeline, List<String> summary,
      Map<String, String> cp, PackagedProcess cpMember) throws Exception {
    timeline.mark("kill -9 of a CP member");
    cpMember.kill();
    summary.add(awaitHealthy(client, "kill -9 of a CP member", HEAL, true));
    cpMember = cluster.start("corporations-2", cp, "run", "worker:info-corporations", "-instances", "6");
    PackagedCluster.awaitDeployed(cpMember, "worker:info-corporations");
    summary.add(awaitHealthy(client, "CP member started again", HEAL, true));

    timeline.mark("PostgreSQL outage 30 s");
    cluster.db().stopImmediate();
    Thread.sleep(30_000); // the outage's length: the fault itself, not a synchronisation
    cluster.db().startAgain();
    timeline.mark("PostgreSQL back");
    summary.add(awaitHealthy(client, "PostgreSQL outage of 30 s", HEAL, true));
    return cpMember;
  }

  /** The backends the pools of process {@code pid} recorded, once it holds any. */
  private static List<Integer> awaitBackendsOf(HazelcastInstance client, long pid, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      List<Integer> backends = backendsOf(client, pid);
      if (!backends.isEmpty()) {
        return backends;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("process " + pid + " holds no connection after " + within.toSeconds() + " s");
  }

  /** Every character named by a killmail stored since {@code since} has its row (its name) within {@code within}. */
  private static String awaitNamesResolved(java.time.Instant since, Duration within) throws Exception {
    String sql = "SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM characters ch WHERE ch.id = c.character_id)),"
        + " count(*) FROM (SELECT v.character_id FROM victims v JOIN killmails k USING (killmail_id)"
        + " WHERE k.created_at >= ? AND v.character_id IS NOT NULL UNION SELECT a.character_id FROM attackers a"
        + " JOIN killmails k USING (killmail_id) WHERE k.created_at >= ? AND a.character_id IS NOT NULL) c";
    long started = System.nanoTime();
    long deadline = started + within.toNanos();
    long[] last = {-1, 0};
    while (System.nanoTime() < deadline) {
      try (java.sql.Connection c = cluster.db().superuserConnection();
           java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setObject(1, java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
        ps.setObject(2, java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          rs.next();
          last = new long[] {rs.getLong(1), rs.getLong(2)};
        }
      }
      if (last[0] == 0 && last[1] > 0) {
        return String.format("names of the %d characters in killmails stored during the Redis outage resolved %.1f s"
            + " after it returned", last[1], (System.nanoTime() - started) / 1e9);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("after the Redis outage " + last[0] + " of " + last[1]
        + " characters named by new killmails still have no name");
  }

  /** The backends (server pids) the pools of process {@code pid} recorded. */
  private static List<Integer> backendsOf(HazelcastInstance client, long pid) {
    return BudgetStatusCommand.read(client).classes().values().stream().flatMap(c -> c.holders().stream())
        .filter(h -> h.pid() == pid).flatMap(h -> h.backends().stream()).toList();
  }

  /** While a member stands still: none of its connections is left, and the others hold every worker permit. */
  private static String awaitTakenOver(HazelcastInstance client, List<Integer> frozen, Duration within) throws Exception {
    long started = System.nanoTime();
    long deadline = started + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      List<Integer> left = cluster.db().appBackends().stream().filter(frozen::contains).toList();
      // The CP semaphore answers with a majority; maps with partitions on the paused member may not, until it is
      // declared dead: only the semaphore is read here.
      int available = client.getCPSubsystem().getSemaphore("killboard.budget.worker").availablePermits();
      last = "worker permits available: " + available + "; connections of the paused member still open: " + left;
      if (left.isEmpty() && available == 0) {
        return String.format("paused member: its connections ended by the session guard %.1f s after SIGSTOP"
            + " (TTL %d s)", (System.nanoTime() - started) / 1e9, TTL.toSeconds());
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
  private static String awaitHealthy(HazelcastInstance client, String fault, Duration within, boolean saturated)
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
        return String.format("budget whole %.1f s after %s", (System.nanoTime() - started) / 1e9, fault);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the budget was not whole within " + within.toSeconds() + " s after " + fault + ":\n" + last);
  }
}
