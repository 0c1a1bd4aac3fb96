package dev.killboard.cli.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.impl.ServerLimits;
import dev.killboard.cli.KillboardCommand;
import dev.killboard.config.Env;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyCheckTest {
  private static final Path DIR = TopologyFileTest.DIR;

  private static TopologyCheck.Findings check(String file) {
    return TopologyCheck.check(TopologyFile.read(DIR.resolve(file)), Map.of());
  }

  @Test
  void theProductionTopologyIsValidAndSaysWhoWillWait() {
    TopologyCheck.Findings f = check("production.yaml");
    assertThat(f.errors()).isEmpty();
    assertThat(f.valid()).isTrue();
    // 8 production workers + 3 character workers, 2 connections each: 22 on 16 permits, 3 instances
    // wait.
    assertThat(f.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "worker demand 22 connections (workers 8 (1 x 8 in the group) x 2 + characters 3 x 2) on 16 permits: at full load"
                            + " 3 instances will wait for a permit")
                    .contains("throughput is bounded by 16 connections"));
    // Two API instances share one pool of 5.
    assertThat(f.notes())
        .anySatisfy(
            n ->
                assertThat(n)
                    .startsWith("api demand 5 connection(s) (api 5) on 5 permits: nobody waits"));
  }

  @Test
  void aWorkerTopologyWithinThePermitsHasNobodyWaiting() {
    Topology t =
        TopologyFile.read(DIR.resolve("production.yaml")).withInstances("characters", 0 + 1);
    TopologyCheck.Findings f =
        TopologyCheck.check(
            t,
            Map.of(
                "KILLBOARD_BUDGET_CLASSES", "api=5,worker=16", "KILLBOARD_POOL_WORKER_MAX", "1"));
    assertThat(f.notes())
        .anySatisfy(
            n ->
                assertThat(n)
                    .startsWith("worker demand 9 connection(s)")
                    .contains("on 16 permits: nobody waits; 7 permit(s) stay unused"));
    assertThat(f.warnings()).noneSatisfy(w -> assertThat(w).startsWith("worker demand"));
  }

  @Test
  void everyErrorNamesTheFileTheProcessAndTheNumbers() {
    TopologyCheck.Findings f = check("broken.yaml");
    String file = DIR.resolve("broken.yaml").toString();
    assertThat(f.valid()).isFalse();
    assertThat(f.errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .isEqualTo(
                        file
                            + ": process name 'types' is used 2 times;"
                            + " each process needs its own name (it names its pid and log files)"));
    assertThat(f.errors())
        .anySatisfy(
            e -> assertThat(e).startsWith(file + ": process 'types': unknown worker 'info-typez'"));
    assertThat(f.errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith(file + ": process 'types': ")
                    .contains("max size 20 exceeds its budget class 'worker' of 16 permits"));
    // Four processes are enough for three CP members.
    assertThat(f.errors()).noneSatisfy(e -> assertThat(e).contains("KILLBOARD_CP_MEMBERS=3 but"));
    assertThat(f.errors()).hasSize(4);
    assertThat(f.errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .isEqualTo(
                        file
                            + ": process 'api-2': KILLBOARD_HTTP_PORT=8080"
                            + " clashes with api (KILLBOARD_HTTP_PORT) on host localhost; give each process on one host its own port"));
    // Two API processes of 5 on 5 permits: one of them waits.
    assertThat(f.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "api demand 10 connections (api 5 + api-2 5) on 5"
                            + " permits: at full load 1 API processes will wait"));
  }

  @Test
  void cpModeNeedsAsManyProcessesAsCpMembers() {
    Topology two =
        TopologyFile.parse(
            Path.of("two.yaml"),
            String.join(
                "\n",
                "env: {KILLBOARD_CP_MEMBERS: 3}",
                "processes:",
                "  - {name: api, verticle: api}",
                "  - {name: w, verticle: 'worker:info-types'}",
                ""));
    assertThat(TopologyCheck.check(two, Map.of()).errors())
        .containsExactly(
            "two.yaml: KILLBOARD_CP_MEMBERS=3 but the"
                + " topology has 2 process(es): the CP group forms only when 3 members have joined, and until then no pool gets"
                + " a permit. Add processes or set KILLBOARD_CP_MEMBERS=0 (unsafe mode, docs/cluster.md)");
    Topology three =
        TopologyFile.parse(
            Path.of("three.yaml"),
            String.join(
                "\n",
                "env: {KILLBOARD_CP_MEMBERS: 3}",
                "processes:",
                "  - {name: api, verticle: api}",
                "  - {name: w, verticle: 'worker:info-types', host: kb-2}",
                "  - {name: v, verticle: 'worker:info-types', host: kb-3, env: {KILLBOARD_CP_MEMBERS: 2}}",
                ""));
    assertThat(TopologyCheck.check(three, Map.of()).errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith("three.yaml: process 'v': ")
                    .contains("KILLBOARD_CP_MEMBERS=2"));
  }

  @Test
  void processesMustAgreeOnTheBudgetAndItsClassesMustFitTheTotal() {
    TopologyCheck.Findings f = check("budgets.yaml");
    String file = DIR.resolve("budgets.yaml").toString();
    assertThat(f.errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith(
                        file + ": process 'over': KILLBOARD_BUDGET_CLASSES sums" + " to 22"));
    assertThat(f.errors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .isEqualTo(
                        file
                            + ": process 'workers' has the budget total 21"
                            + " (api=5, worker=16) but process 'api' has total 21 (api=6, worker=15); the cluster refuses a member whose class"
                            + " sizes differ. Set KILLBOARD_BUDGET_TOTAL and KILLBOARD_BUDGET_CLASSES in the top-level env only"));
  }

  @Test
  void serverLimitsAreCheckedWhenGivenAndSkippedWithANoteOtherwise() throws IOException {
    BudgetSettings budget = Env.read(Map.of(), BudgetSettings::from);
    assertThat(ServerLimitsProbe.probe(Map.of(), budget).notes())
        .containsExactly(
            "server limits not checked: neither"
                + " KILLBOARD_DB_URL nor DATABASE_URL is set in the file or the environment");
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Map<String, String> env =
        Map.of("DATABASE_URL", "postgresql://kb:secret@127.0.0.1:" + closed + "/kb");
    TopologyCheck.Findings unreachable =
        ServerLimitsProbe.probe(env, Env.read(env, BudgetSettings::from));
    assertThat(unreachable.valid()).isTrue();
    assertThat(unreachable.notes())
        .singleElement()
        .satisfies(
            n ->
                assertThat(n)
                    .startsWith(
                        "server limits not checked: PostgreSQL at 127.0.0.1:"
                            + closed
                            + " did not answer")
                    .doesNotContain("secret"));

    // DigitalOcean's 1 GiB plan: 25 - 3 = 22 slots, 21 with the monitoring reserve: the default
    // budget fits.
    JsonObject doPlan =
        new JsonObject()
            .put("maxConnections", 25)
            .put("superuserReserved", 3)
            .put("reserved", 0)
            .put("roleLimit", -1)
            .put("superuser", false)
            .put("role", "killboard");
    TopologyCheck.Findings fits =
        ServerLimitsProbe.judge(ServerLimits.fromJson(doPlan), budget, budget.database());
    assertThat(fits.valid()).isTrue();
    assertThat(fits.warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w)
                    .contains(
                        "role killboard has no CONNECTION" + " LIMIT",
                        "ALTER ROLE \"killboard\" CONNECTION LIMIT 21;"));
    TopologyCheck.Findings tooSmall =
        ServerLimitsProbe.judge(
            ServerLimits.fromJson(doPlan.copy().put("maxConnections", 22)),
            budget,
            budget.database());
    assertThat(tooSmall.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .contains(
                        "KILLBOARD_BUDGET_TOTAL=21 does not"
                            + " fit: max_connections=22 - superuser_reserved_connections=3 = 19 slots for role killboard, minus"
                            + " KILLBOARD_BUDGET_MONITORING_RESERVE=1 = 18. Set KILLBOARD_BUDGET_TOTAL to 18 or less"));
  }

  @Test
  void validateExitsZeroWhenValidAndThreeWhenInvalid() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(
            TopologyCommand.run(
                new String[] {"validate", DIR.resolve("production.yaml").toString()},
                Map.of(),
                print,
                print))
        .isEqualTo(KillboardCommand.OK);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "topology 'production', 3 process(es)",
            "warning: worker" + " demand 22",
            "\nvalid (2 warning(s))",
            "unsafe mode (KILLBOARD_CP_MEMBERS=0) across 3 processes");
    out.reset();
    assertThat(
            TopologyCommand.run(
                new String[] {"validate", DIR.resolve("broken.yaml").toString()},
                Map.of(),
                print,
                print))
        .isEqualTo(KillboardCommand.CONFIG_ERROR);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("error: ", "invalid: 4 error(s)");
    out.reset();
    assertThat(
            TopologyCommand.run(
                new String[] {"validate", DIR.resolve("malformed.yaml").toString()},
                Map.of(),
                print,
                print))
        .isEqualTo(KillboardCommand.CONFIG_ERROR);
    assertThat(TopologyCommand.run(new String[] {"scale", "x.yaml"}, Map.of(), print, print))
        .isEqualTo(KillboardCommand.USAGE);
  }
}
