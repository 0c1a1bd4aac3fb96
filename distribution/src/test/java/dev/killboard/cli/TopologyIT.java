package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code killboard topology up|status|down} on the unpacked distribution: an API and a worker
 * process started detached from a topology file (unsafe mode) against embedded PostgreSQL, Redis
 * and the fakes.
 */
class TopologyIT {

  @Test
  void upStartsEachProcessStatusListsThemScaleRestartsOneAndDownStopsThem() throws Exception {
    try (PackagedCluster cluster = PackagedCluster.start("topology", 2)) {
      List<String> ports = new ArrayList<>();
      for (String member : cluster.env().get("KILLBOARD_CLUSTER_MEMBERS").split(",")) {
        ports.add(member.substring(member.lastIndexOf(':') + 1));
      }
      Path dir = cluster.home().getParent();
      Path state = dir.resolve("state");
      Path file = dir.resolve("small.yaml");
      // The database, Redis and cluster settings come from the environment `up` runs in, as an
      // operator's would.
      Files.writeString(
          file,
          String.join(
              "\n",
              "name: small",
              "env:",
              "  KILLBOARD_CP_MEMBERS: 0",
              "processes:",
              "  - name: api",
              "    verticle: api",
              "    env: {KILLBOARD_CLUSTER_PORT: " + ports.get(0) + "}",
              "  - name: characters",
              "    verticle: worker:info-characters",
              "    instances: 2",
              "    env: {KILLBOARD_CLUSTER_PORT: " + ports.get(1) + "}",
              ""));
      Map<String, String> extra = Map.of("KILLBOARD_STATE_DIR", state.toString());
      try {
        String up =
            finish(
                cluster.run("topology-up", extra, "topology", "up", file.toString()),
                Duration.ofSeconds(400));
        assertThat(up)
            .contains(
                "api: started pid",
                "api: deployed after",
                "characters: started pid",
                "characters: deployed after",
                "up: every process of this host is deployed",
                // validate ran first, against the real server: PackagedCluster's PostgreSQL is
                // configured like production.
                "the budget of 21 fits: max_connections=25 - superuser_reserved_connections=3 = 22 slots");
        assertThat(Files.readString(state.resolve("logs/api.log")))
            .contains("Killboard verticle dev.killboard.api.ApiVerticle deployed: 1 instance(s)");
        assertThat(Files.readString(state.resolve("logs/characters.log")))
            .contains("Killboard verticle worker:info-characters deployed: 2 instance(s)");
        long api = pid(state, "api");
        long characters = pid(state, "characters");
        assertThat(ProcessHandle.of(api)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
        assertThat(ProcessHandle.of(characters))
            .hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

        String status =
            finish(
                cluster.run("topology-status", extra, "topology", "status", file.toString()),
                Duration.ofSeconds(60));
        assertThat(status)
            .containsPattern("api +pid " + api + " +running +api, 1 instance\\(s\\)")
            .containsPattern(
                "characters +pid "
                    + characters
                    + " +running +worker:info-characters, 2 instance\\(s\\)");

        // scale restarts the one process with the new instance count, after validating it.
        String scale =
            finish(
                cluster.run(
                    "topology-scale",
                    extra,
                    "topology",
                    "scale",
                    file.toString(),
                    "characters",
                    "3"),
                Duration.ofSeconds(300));
        assertThat(scale)
            .contains(
                "characters: stopped pid " + characters,
                "characters: deployed after",
                "characters: now 3 instance(s)")
            .doesNotContain("api: ");
        assertThat(Files.readString(state.resolve("logs/characters.log")))
            .contains("Killboard verticle worker:info-characters deployed: 3 instance(s)");
        assertThat(ProcessHandle.of(characters).map(ProcessHandle::isAlive))
            .isNotEqualTo(Optional.of(true));
        long scaled = pid(state, "characters");
        assertThat(scaled).isNotEqualTo(characters);
        characters = scaled;
        String rescaled =
            finish(
                cluster.run("topology-status-scaled", extra, "topology", "status", file.toString()),
                Duration.ofSeconds(60));
        assertThat(rescaled)
            .containsPattern("api +pid " + api + " +running")
            .containsPattern(
                "characters +pid "
                    + characters
                    + " +running +worker:info-characters, 3 instance\\(s\\)");

        String down =
            finish(
                cluster.run("topology-down", extra, "topology", "down", file.toString()),
                Duration.ofSeconds(120));
        // Reverse order: the worker first.
        assertThat(down)
            .containsSubsequence(
                "characters: stopped pid " + characters, "api: stopped pid " + api);
        assertThat(ProcessHandle.of(api).map(ProcessHandle::isAlive))
            .isNotEqualTo(Optional.of(true));
        assertThat(ProcessHandle.of(characters).map(ProcessHandle::isAlive))
            .isNotEqualTo(Optional.of(true));
        // A stopped process leaves no pid file behind.
        assertThat(state.resolve("api.pid")).doesNotExist();

        String after =
            finish(
                cluster.run("topology-status-after", extra, "topology", "status", file.toString()),
                Duration.ofSeconds(60));
        assertThat(after)
            .containsPattern("api +- +stopped")
            .containsPattern("characters +- +stopped");
      } finally {
        // The processes are detached: PackagedCluster does not know them.
        for (String name : List.of("characters", "api")) {
          Path pidFile = state.resolve(name + ".pid");
          if (Files.exists(pidFile)) {
            ProcessHandle.of(pid(state, name))
                .ifPresent(
                    h -> {
                      h.destroyForcibly();
                      h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
                    });
          }
        }
      }
    }
  }

  private static String finish(PackagedProcess p, Duration timeout) throws InterruptedException {
    OptionalInt exit = p.awaitExit(timeout);
    assertThat(exit).as(p.name() + " output:\n" + p.output()).hasValue(0);
    return p.output();
  }

  private static long pid(Path state, String name) throws java.io.IOException {
    return Long.parseLong(
        Files.readString(state.resolve(name + ".pid"), StandardCharsets.UTF_8).trim());
  }
}
