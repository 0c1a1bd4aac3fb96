package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.killboard.budget.BudgetStatus;
import dev.killboard.budget.PermitHolder;
import dev.killboard.contracts.QueueNames;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.queue.QueueStatus;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite's short variant: the distribution started as an operator starts it (4 JVMs with
 * {@code bin/killboard run}, CP mode with 3 CP members, 22 worker instances on 16 worker permits,
 * the API under load, a job producer and the R2Z2 feed) through every fault of the long variant,
 * once each and with 10 s outages, with PostgreSQL's connections sampled every 50 ms the whole
 * time.
 *
 * <p>After every fault the budget must be whole again within the CP session TTL + 5 s: per class,
 * permits in use = what the pools of live members hold, and that = the connections PostgreSQL sees.
 * Always: never more than 21 connections, never {@code too many clients} (SQLSTATE 53300), no
 * process exits unless the test ends it, no job dead-lettered and no retry scheduled (faults and
 * stops spend no attempt).
 */
class ChaosIT {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration HEAL = TTL.plusSeconds(5);

  /** The long variant (docs/chaos.md): more rounds, outages of 30 s instead of 10 s. */
  private static final boolean LONG = Boolean.getBoolean("killboard.chaos.long");

  private static final int ROUNDS = LONG ? Integer.getInteger("killboard.chaos.rounds", 3) : 1;

  /** How long PostgreSQL and Redis stay down in their outages: 30 s in the long variant. */
  private static final Duration OUTAGE = Duration.ofSeconds(LONG ? 30 : 10);

  /**
   * How long a run goes on waiting for a whole budget after a limit was missed (reported, and
   * failing at the end).
   */
  private static final Duration LATE = Duration.ofSeconds(90);

  /**
   * Limits missed during the run: each one fails the test once the run has ended and written its
   * report.
   */
  private static final List<String> violations = Collections.synchronizedList(new ArrayList<>());

  private static PackagedCluster cluster;

  /**
   * The test's one superuser connection: every watcher shares it (PostgreSQL keeps only 3 slots for
   * superusers).
   */
  private static SuperuserSession monitor;

  private static ConnectionSampler sampler;

  /** Processes the test ended on purpose; every other one must still run after every fault. */
  private static final Set<PackagedProcess> ended =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The report's table: one row per fault, taken when the budget was whole again. */
  private static final List<String> HEADER =
      List.of(
          "fault",
          "budget whole after (s)",
          "max connections (window)",
          "53300 / too many clients",
          "retries pending",
          "dead letters",
          "API failures (window)",
          "load avg (1 min)");

  private static final List<List<String>> rows = new ArrayList<>();
  private static JobProducer producer;
  private static ApiLoad load;
  private static long apiErrorsBefore;

  @BeforeAll
  static void start() throws Exception {
    cluster = PackagedCluster.start("chaos", 6);
    monitor = new SuperuserSession(cluster.db());
    sampler = ConnectionSampler.start(monitor);
  }

  @AfterAll
  static void stop() throws Exception {
    if (sampler != null) {
      sampler.close();
    }
    if (monitor != null) {
      monitor.close();
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
    // Permits rotate faster than the default minute, so a member restarted during the shortage gets
    // its turn sooner.
    cp.put("KILLBOARD_POOL_WORKER_MAX_LIFETIME_SECONDS", "20");
    // The first three members to join form the CP group: the API and two worker JVMs, started
    // first; the JVM with
    // the most worker instances joins after them as a plain member.
    PackagedProcess api = cluster.start("api", cp, "run", "api", "-instances", "2");
    PackagedProcess production = cluster.start("production", cp, "run", "worker:production");
    PackagedProcess corporations =
        cluster.start("corporations", cp, "run", "worker:info-corporations", "-instances", "6");
    PackagedCluster.awaitDeployed(api, "dev.killboard.api.ApiVerticle");
    PackagedCluster.awaitDeployed(production, "worker:production");
    PackagedCluster.awaitDeployed(corporations, "worker:info-corporations");
    PackagedProcess characters =
        cluster.start("characters", cp, "run", "worker:info-characters", "-instances", "8");
    PackagedCluster.awaitDeployed(characters, "worker:info-characters");
    // The test reads the budget through the API member only: a smart client would also route
    // through the member the
    // test pauses, and an operation sent there waits until Hazelcast gives up on it (two minutes).
    com.hazelcast.client.config.ClientConfig config =
        BudgetStatusCommand.clientConfig(cluster.settings(cp));
    config
        .getNetworkConfig()
        .setAddresses(List.of(cluster.firstMemberAddress()))
        .setSmartRouting(false);
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    List<String> summary = new ArrayList<>();
    // Characters kept apart for the Redis fault: no job of the producer and no killmail before the
    // fault names them,
    // so only the outbox of the killmails stored during the fault can bring their names.
    FakeUniverse universe = cluster.fakes().universe();
    Set<Long> newcomers = newcomers(universe);
    universe.castFrom(
        universe.playerCharacterIds().stream().filter(id -> !newcomers.contains(id)).toList());
    try (JobProducer producer = JobProducer.start(cluster, newcomers);
        ApiLoad load = ApiLoad.start(cluster.graphqlUrl(), 2);
        ChaosTimeline timeline = ChaosTimeline.start(monitor, client, producer, load)) {
      ChaosIT.producer = producer;
      ChaosIT.load = load;
      try {
        // A shortage: 22 worker instances want 44 connections of 16.
        summary.add(awaitHealthy(client, "start", Duration.ofSeconds(60), true));
        summary.add(awaitWaiters(client, Duration.ofSeconds(30)));
        for (int round = 1; round <= ROUNDS; round++) {
          characters = faults(client, timeline, summary, cp, characters, round);
        }
        corporations = cpMemberAndOutage(client, timeline, summary, cp, corporations);

        // Redis killed (SIGKILL, appendfsync always) and down while killmails keep arriving, naming
        // only characters nothing has mentioned yet: their unknown names wait in the outbox, and
        // only the outbox can bring them.
        producer.stopJobs();
        Set<Long> known = knownCharacters(newcomers);
        universe.castFrom(newcomers);
        timeline.mark("Redis kill -9, down " + OUTAGE.toSeconds() + " s");
        java.time.Instant outageStart = java.time.Instant.now();
        cluster.redis().kill();
        Thread.sleep(
            OUTAGE.toMillis()); // the outage's length: the fault itself, not a synchronisation
        java.time.Instant outageEnd = java.time.Instant.now();
        cluster.redis().startAgain();
        timeline.mark("Redis back");
        summary.add(
            awaitNamesResolved(outageStart, outageEnd, newcomers, known, Duration.ofSeconds(60)));
        summary.add(awaitHealthy(client, "Redis kill -9", HEAL, false));
        producer.stop();

        load.stop();
        summary.add(
            "API: "
                + load.ok()
                + " answers, "
                + load.errors()
                + " failures (during PostgreSQL's outages)");
        assertThat(load.errors())
            .as("API answers under the faults, besides the database restart")
            .isLessThan(load.ok());
        for (String queue :
            List.of(QueueNames.ESI_CHARACTER_INFO, QueueNames.ESI_CORPORATION_INFO)) {
          QueueStatus status = producer.status(queue);
          summary.add(
              queue
                  + ": "
                  + status.deadLetters()
                  + " dead letters, "
                  + status.depth().delayed()
                  + " retries pending");
          assertThat(status.deadLetters()).as("dead letters of %s", queue).isZero();
        }
      } finally {
        summary.add(
            "max connections sampled: "
                + sampler.max()
                + " over "
                + sampler.samples()
                + " samples (every 50 ms)");
        summary.add("load average (1, 5, 15 min) at the end: " + loadAverage(false));
        violations.forEach(v -> summary.add("VIOLATION: " + v.lines().findFirst().orElse(v)));
        summary.forEach(line -> System.out.println("chaos: " + line));
        System.out.println("chaos: | " + String.join(" | ", HEADER) + " |");
        rows.forEach(r -> System.out.println("chaos: | " + String.join(" | ", r) + " |"));
        timeline.close();
        Path report =
            Path.of(System.getProperty("killboard.chaos.report", "target/chaos/report.html"));
        timeline.writeHtml(
            report,
            "Killboard chaos run (" + (LONG ? "long" : "short") + " variant)",
            summary,
            HEADER,
            rows);
        System.out.println("chaos: report written to " + report.toAbsolutePath());
      }
    } finally {
      client.shutdown();
    }

    assertThat(violations)
        .as("limits missed during the run (the run went on and reported them)")
        .isEmpty();
    assertThat(sampler.max())
        .as("connections of the application role, sampled every 50 ms")
        .isLessThanOrEqualTo(21);
    for (PackagedProcess p : cluster.processes()) {
      assertThat(p.output())
          .as(p.name())
          .doesNotContain("53300")
          .doesNotContain("too many clients");
    }
    for (PackagedProcess p : List.of(api, production, corporations, characters)) {
      assertThat(p.isAlive()).as("%s is still running", p.name()).isTrue();
    }
  }

  /**
   * One round of the short variant's faults, on the plain member; returns the one running after the
   * round.
   */
  private static PackagedProcess faults(
      HazelcastInstance client,
      ChaosTimeline timeline,
      List<String> summary,
      Map<String, String> cp,
      PackagedProcess plain,
      int round)
      throws Exception {
    // 1. PostgreSQL restarted: every connection of every member drops at once.
    timeline.mark("PostgreSQL immediate restart");
    cluster.db().restartImmediate();
    summary.add(awaitHealthy(client, "PostgreSQL immediate restart", HEAL, true));

    // 2. A plain member killed (SIGKILL): its permits come back when its session expires.
    timeline.mark("kill -9 of a plain member");
    ended.add(plain);
    plain.kill();
    summary.add(awaitHealthy(client, "kill -9 of a plain member", HEAL, true));
    // ... and started again during the shortage: it waits for permits instead of exiting.
    timeline.mark("restart during a shortage");
    plain =
        cluster.start(
            "characters-" + round, cp, "run", "worker:info-characters", "-instances", "8");
    PackagedCluster.awaitDeployed(plain, "worker:info-characters");
    summary.add(awaitHealthy(client, "restart during a shortage", HEAL, true));

    // 3. A member paused past its session TTL (a GC pause): before its session expires the session
    // guard ends its
    //    PostgreSQL connections, then the CP group hands its permits to the others; when it wakes
    // it drops those
    //    permits unreleased and takes new ones.
    List<Integer> frozen = awaitBackendsOf(client, plain.pid(), Duration.ofSeconds(90));
    timeline.mark("SIGSTOP of a member");
    plain.pause();
    long pausedAt = System.nanoTime();
    try {
      summary.add(awaitTakenOver(client, frozen, HEAL.plus(TTL)));
      // Past the TTL: the CP group has closed its session, so when it wakes the fence must act for
      // real.
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
    ended.add(plain);
    plain.terminate();
    OptionalInt exit = plain.awaitExit(Duration.ofSeconds(30));
    assertThat(exit).as("stop within 30 s of SIGTERM:%n%s", plain.output()).isPresent();
    assertThat(exit.getAsInt()).isZero();
    summary.add(
        String.format(
            "SIGTERM during a shortage: exit 0 after %.1f s", (System.nanoTime() - stopAt) / 1e9));
    summary.add(awaitHealthy(client, "SIGTERM during a shortage", HEAL, true));
    plain =
        cluster.start(
            "characters-" + round + "b", cp, "run", "worker:info-characters", "-instances", "8");
    PackagedCluster.awaitDeployed(plain, "worker:info-characters");

    // 5. PostgreSQL restarted again, now with sessions and connections of a member started during
    // the round.
    timeline.mark("PostgreSQL immediate restart (2nd)");
    cluster.db().restartImmediate();
    summary.add(awaitHealthy(client, "PostgreSQL immediate restart (2nd)", HEAL, true));
    return plain;
  }

  /**
   * A CP member killed and started again, then PostgreSQL down for {@link #OUTAGE} (once per run:
   * they cost the most time).
   */
  private static PackagedProcess cpMemberAndOutage(
      HazelcastInstance client,
      ChaosTimeline timeline,
      List<String> summary,
      Map<String, String> cp,
      PackagedProcess cpMember)
      throws Exception {
    timeline.mark("kill -9 of a CP member");
    ended.add(cpMember);
    cpMember.kill();
    summary.add(awaitHealthy(client, "kill -9 of a CP member", HEAL, true));
    cpMember =
        cluster.start("corporations-2", cp, "run", "worker:info-corporations", "-instances", "6");
    PackagedCluster.awaitDeployed(cpMember, "worker:info-corporations");
    summary.add(awaitHealthy(client, "CP member started again", HEAL, true));

    timeline.mark("PostgreSQL outage " + OUTAGE.toSeconds() + " s");
    cluster.db().stopImmediate();
    Thread.sleep(OUTAGE.toMillis()); // the outage's length: the fault itself, not a synchronisation
    cluster.db().startAgain();
    timeline.mark("PostgreSQL back");
    summary.add(
        awaitHealthy(client, "PostgreSQL outage of " + OUTAGE.toSeconds() + " s", HEAL, true));
    return cpMember;
  }

  /** The backends the pools of process {@code pid} recorded, once it holds any. */
  private static List<Integer> awaitBackendsOf(HazelcastInstance client, long pid, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      List<Integer> backends = backendsOf(client, pid);
      if (!backends.isEmpty()) {
        return backends;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "process " + pid + " holds no connection after " + within.toSeconds() + " s");
  }

  /**
   * Player characters set aside for the Redis fault: a quarter of those that lead no corporation (a
   * corporation's info job, which the producer queues, could bring its CEO's name without the
   * outbox).
   */
  private static Set<Long> newcomers(FakeUniverse universe) {
    Set<Long> ceos = new HashSet<>();
    for (long corporation : universe.corporationIds()) {
      universe.corporation(corporation).map(c -> c.getLong("ceo_id")).ifPresent(ceos::add);
    }
    List<Long> candidates =
        universe.playerCharacterIds().stream().filter(id -> !ceos.contains(id)).toList();
    Set<Long> out = new LinkedHashSet<>();
    for (int i = 0; i < candidates.size(); i += 4) {
      out.add(candidates.get(i));
    }
    return out;
  }

  /**
   * Which of {@code characters} have a row (a name) right now; retried across an outage of
   * PostgreSQL.
   */
  private static Set<Long> knownCharacters(Set<Long> characters) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return monitor.query(
            "SELECT id FROM characters WHERE id = ANY(?)",
            ps ->
                ps.setArray(
                    1,
                    ps.getConnection()
                        .createArrayOf(
                            "integer", characters.stream().map(Long::intValue).toArray())),
            rs -> {
              Set<Long> out = new HashSet<>();
              while (rs.next()) {
                out.add(rs.getLong(1));
              }
              return out;
            });
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500); // PostgreSQL unreachable: external state, polled
      }
    }
  }

  /**
   * Every withheld character that killmails stored since {@code since} name, and that had no name
   * when the fault began, has its row within {@code within} after Redis is back: only the outbox
   * can have queued those. Some such killmails must have been stored while Redis was down.
   */
  private static String awaitNamesResolved(
      java.time.Instant since,
      java.time.Instant until,
      Set<Long> newcomers,
      Set<Long> known,
      Duration within)
      throws Exception {
    String sql =
        "SELECT c.character_id, EXISTS (SELECT 1 FROM characters ch WHERE ch.id = c.character_id),"
            + " c.stored_at FROM (SELECT v.character_id, k.created_at AS stored_at FROM victims v JOIN killmails k"
            + " USING (killmail_id) WHERE k.created_at >= ? AND v.character_id IS NOT NULL UNION ALL SELECT a.character_id,"
            + " k.created_at FROM attackers a JOIN killmails k USING (killmail_id) WHERE k.created_at >= ?"
            + " AND a.character_id IS NOT NULL) c";
    java.time.OffsetDateTime from =
        java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC);
    long started = System.nanoTime();
    long deadline = started + within.toNanos();
    String last = "no answer from PostgreSQL";
    while (System.nanoTime() < deadline) {
      try {
        record Named(long id, boolean hasName, java.time.OffsetDateTime storedAt) {}
        List<Named> named =
            monitor.query(
                sql,
                ps -> {
                  ps.setObject(1, from);
                  ps.setObject(2, from);
                },
                rs -> {
                  List<Named> out = new ArrayList<>();
                  while (rs.next()) {
                    out.add(
                        new Named(
                            rs.getLong(1),
                            rs.getBoolean(2),
                            rs.getObject(3, java.time.OffsetDateTime.class)));
                  }
                  return out;
                });
        // Killmails published just before the fault and stored after it began name other
        // characters: not counted.
        named = named.stream().filter(n -> newcomers.contains(n.id())).toList();
        long duringOutage =
            named.stream().filter(n -> n.storedAt().toInstant().isBefore(until)).count();
        Set<Long> isolated = new TreeSet<>();
        Set<Long> missing = new TreeSet<>();
        for (Named n : named) {
          if (!known.contains(n.id())) {
            isolated.add(n.id());
            if (!n.hasName()) {
              missing.add(n.id());
            }
          }
        }
        last =
            missing.size()
                + " of "
                + isolated.size()
                + " characters still without a name: "
                + missing
                + "; participants stored while Redis was down: "
                + duringOutage;
        // The long variant's 30 s outage always sees killmails stored meanwhile; in the short
        // variant's 10 s the production worker may still be waiting for a permit of the shortage,
        // and its killmails of the outage are stored after Redis returned: their characters still
        // get their names through the outbox only.
        if ((duringOutage > 0 || !LONG) && !isolated.isEmpty() && missing.isEmpty()) {
          return String.format(
              "names of the %d characters (unknown before, queued by no one but the outbox) in"
                  + " killmails stored during and after the Redis fault (%d participants while Redis was down) resolved"
                  + " %.1f s after Redis returned",
              isolated.size(), duringOutage, (System.nanoTime() - started) / 1e9);
        }
      } catch (SQLException e) {
        last = "PostgreSQL: " + e.getMessage();
      }
      Thread.sleep(500); // names arrive through queues and workers: external state, polled
    }
    throw new AssertionError(
        "names not resolved within " + within.toSeconds() + " s after Redis returned: " + last);
  }

  /** One row of the report: what the fault cost, from the fault to the budget being whole again. */
  private static void row(String fault, double wholeSeconds) throws Exception {
    long refusals =
        cluster.processes().stream()
            .mapToLong(
                p -> occurrences(p.output(), "53300") + occurrences(p.output(), "too many clients"))
            .sum();
    long retries = 0;
    long dead = 0;
    if (producer != null) {
      for (String queue : List.of(QueueNames.ESI_CHARACTER_INFO, QueueNames.ESI_CORPORATION_INFO)) {
        QueueStatus status = producer.status(queue);
        retries += status.depth().delayed();
        dead += status.deadLetters();
      }
    }
    long apiErrors = load == null ? 0 : load.errors();
    rows.add(
        List.of(
            fault,
            String.format(Locale.ROOT, "%.1f", wholeSeconds),
            Integer.toString(sampler.takeWindowMax()),
            Long.toString(refusals),
            Long.toString(retries),
            Long.toString(dead),
            Long.toString(apiErrors - apiErrorsBefore),
            loadAverage(true)));
    apiErrorsBefore = apiErrors;
  }

  private static long occurrences(String text, String what) {
    long n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }

  /** The machine's load average (shared with other builds): the 1-minute figure, or all three. */
  private static String loadAverage(boolean oneMinute) {
    try {
      String[] parts =
          java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return oneMinute ? parts[0] : parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  /**
   * What must hold at all times, checked after every fault: never more than 21 connections sampled,
   * no refusal for too many clients in any log, and no process gone that the test did not end.
   */
  private static void checkAlways(String fault) {
    assertThat(sampler.max())
        .as("connections of the application role up to %s, sampled every 50 ms", fault)
        .isLessThanOrEqualTo(21);
    for (PackagedProcess p : cluster.processes()) {
      assertThat(p.output())
          .as("%s's log up to %s", p.name(), fault)
          .doesNotContain("53300")
          .doesNotContain("too many clients");
      if (!ended.contains(p)) {
        assertThat(p.isAlive())
            .as(() -> p.name() + " still running after " + fault + ":\n" + p.output())
            .isTrue();
      }
    }
  }

  /**
   * In the shortage, {@code budget status} shows the pools waiting for a worker permit,
   * cluster-wide: read the way the command reads them (a Hazelcast client, taking no permit), with
   * the member, process and verticle of each.
   */
  private static String awaitWaiters(HazelcastInstance client, Duration within) throws Exception {
    Set<Long> pids = new HashSet<>();
    for (PackagedProcess p : cluster.processes()) {
      if (!ended.contains(p)) {
        pids.add(p.pid());
      }
    }
    long deadline = System.nanoTime() + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      BudgetStatus status = BudgetStatusCommand.read(client);
      List<PermitHolder> waiters = status.classes().get("worker").waiters();
      last = status.render();
      if (!waiters.isEmpty()) {
        assertThat(waiters)
            .allSatisfy(
                w -> {
                  assertThat(pids)
                      .as("a waiter's pid is one of the running JVMs")
                      .contains(w.pid());
                  assertThat(w.waiting()).isPositive();
                  assertThat(w.owner()).isNotBlank();
                  assertThat(w.waitingSince()).isLessThanOrEqualTo(System.currentTimeMillis());
                });
        assertThat(status.classes().get("worker").available())
            .as("reading the waiters takes no permit")
            .isZero();
        String json = BudgetStatusCommand.renderJson(client, "chaos");
        assertThat(
                new io.vertx.core.json.JsonObject(json)
                    .getJsonObject("budget")
                    .getJsonObject("classes")
                    .getJsonObject("worker")
                    .getJsonArray("waiters"))
            .isNotEmpty();
        return "budget status during the shortage: "
            + waiters.size()
            + " pool(s) waiting for a worker permit, e.g. "
            + waiters.get(0).describeWait(System.currentTimeMillis());
      }
      Thread.sleep(200); // recorded asynchronously by each member: external state, polled
    }
    throw new AssertionError(
        "no pool shown waiting for a worker permit within "
            + within.toSeconds()
            + " s of a shortage of 22 worker instances on 16 permits:\n"
            + last);
  }

  /** The backends (server pids) the pools of process {@code pid} recorded. */
  private static List<Integer> backendsOf(HazelcastInstance client, long pid) {
    return BudgetStatusCommand.read(client).classes().values().stream()
        .flatMap(c -> c.holders().stream())
        .filter(h -> h.pid() == pid)
        .flatMap(h -> h.backends().stream())
        .toList();
  }

  /**
   * While a member stands still: none of its connections is left, and the others hold every worker
   * permit.
   */
  private static String awaitTakenOver(
      HazelcastInstance client, List<Integer> frozen, Duration within) throws Exception {
    long started = System.nanoTime();
    long deadline = started + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      List<Integer> left;
      try {
        left = monitor.appBackends().stream().filter(frozen::contains).toList();
      } catch (SQLException e) {
        last = "PostgreSQL: " + e.getMessage();
        Thread.sleep(200);
        continue;
      }
      // The CP semaphore answers with a majority; maps with partitions on the paused member may
      // not, until it is
      // declared dead: only the semaphore is read here.
      int available =
          client.getCPSubsystem().getSemaphore("killboard.budget.worker").availablePermits();
      last =
          "worker permits available: "
              + available
              + "; connections of the paused member still open: "
              + left;
      if (left.isEmpty() && available == 0) {
        return String.format(
            "paused member: its connections ended by the session guard %.1f s after SIGSTOP"
                + " (TTL %d s)",
            (System.nanoTime() - started) / 1e9, TTL.toSeconds());
      }
      Thread.sleep(200);
    }
    String late =
        "the paused member's permits were not taken over within "
            + within.toSeconds()
            + " s:\n"
            + last;
    violations.add(late);
    System.out.println("chaos: VIOLATION " + late);
    return late;
  }

  /**
   * Waits until the budget is whole: per class, in use (size − available) = what live members'
   * pools hold, and the permits held = the connections PostgreSQL sees; with {@code saturated},
   * also that the load holds every worker permit again (full capacity back, not just consistent
   * books).
   */
  private static String awaitHealthy(
      HazelcastInstance client, String fault, Duration within, boolean saturated) throws Exception {
    long started = System.nanoTime();
    long deadline = started + within.toNanos();
    // Past the limit the run goes on waiting (a bounded while), so that one slow fault is reported
    // with the others and the next fault starts from a whole budget; the limit's violation fails
    // the test at the end.
    long giveUp = deadline + LATE.toNanos();
    String last = "";
    String late = null;
    while (System.nanoTime() < giveUp) {
      if (late == null && System.nanoTime() >= deadline) {
        late =
            "the budget was not whole within "
                + within.toSeconds()
                + " s after "
                + fault
                + ":\n"
                + last;
        violations.add(late);
        System.out.println("chaos: VIOLATION " + late);
      }
      BudgetStatus status;
      int connections;
      try {
        status = BudgetStatusCommand.read(client);
        connections = monitor.appConnections();
      } catch (SQLException | RuntimeException e) {
        // PostgreSQL or the CP group not answering yet: not whole yet, ask again.
        last = "no answer: " + e;
        Thread.sleep(200);
        continue;
      }
      List<PermitHolder> holders =
          status.classes().values().stream().flatMap(c -> c.holders().stream()).toList();
      int held = holders.stream().mapToInt(PermitHolder::held).sum();
      // Permits whose connection is being opened or closed right now (held, but no backend recorded
      // for them): the invariant is permits held = open connections + connects (and closes) in
      // flight.
      int inFlight =
          holders.stream().mapToInt(h -> Math.max(0, h.held() - h.backends().size())).sum();
      boolean books =
          status.classes().values().stream().allMatch(c -> c.inUse() == c.heldByHolders());
      boolean full = !saturated || status.classes().get("worker").available() == 0;
      last =
          status.render()
              + "connections seen by PostgreSQL: "
              + connections
              + "; permits held without a recorded"
              + " connection (connecting or closing): "
              + inFlight;
      if (books && full && connections <= held && held - connections <= inFlight) {
        double seconds = (System.nanoTime() - started) / 1e9;
        String whole =
            String.format(
                "budget whole %.1f s after %s%s",
                seconds, fault, late == null ? "" : " (LATE: limit " + within.toSeconds() + " s)");
        checkAlways(fault);
        row(fault + (late == null ? "" : " (late)"), seconds);
        return whole;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the budget was not whole within "
            + within.plus(LATE).toSeconds()
            + " s after "
            + fault
            + ":\n"
            + last
            + "\nearlier violations: "
            + violations);
  }
}
