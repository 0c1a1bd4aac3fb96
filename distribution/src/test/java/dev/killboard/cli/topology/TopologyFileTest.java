package dev.killboard.cli.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyFileTest {
  static final Path DIR = Path.of("src/test/resources/topology");

  @Test
  void readsYamlIntoProcessesWithTheirEnvironment() {
    Topology t = TopologyFile.read(DIR.resolve("production.yaml"));
    assertThat(t.name()).isEqualTo("production");
    assertThat(t.env()).containsEntry("KILLBOARD_CP_MEMBERS", "0");
    assertThat(t.processes())
        .extracting(TopologyProcess::name)
        .containsExactly("api", "workers", "characters");
    TopologyProcess characters = t.process("characters").orElseThrow();
    assertThat(characters.verticle()).isEqualTo("worker:info-characters");
    assertThat(characters.instances()).isEqualTo(3);
    assertThat(characters.isLocal()).isTrue();
    assertThat(t.process("workers").orElseThrow().instances())
        .as("instances default to 1")
        .isEqualTo(1);
    assertThat(characters.runArguments())
        .containsExactly("run", "worker:info-characters", "-instances", "3");
    // The process's own env wins over the file's, which wins over the caller's.
    assertThat(
            t.environment(
                characters,
                Map.of("KILLBOARD_HEAP", "1g", "KILLBOARD_CP_MEMBERS", "3", "HOME", "/root")))
        .containsEntry("KILLBOARD_HEAP", "256m")
        .containsEntry("KILLBOARD_CP_MEMBERS", "0")
        .containsEntry("HOME", "/root");
  }

  @Test
  void jsonDescribesTheSameTopology() {
    Topology yaml = TopologyFile.read(DIR.resolve("production.yaml"));
    Topology json = TopologyFile.read(DIR.resolve("production.json"));
    assertThat(json.env()).isEqualTo(yaml.env());
    assertThat(json.processes()).isEqualTo(yaml.processes());
  }

  @Test
  void everyStructuralProblemIsReportedWithTheFileAndTheProcess() {
    TopologyException e =
        catchThrowableOfType(
            TopologyException.class, () -> TopologyFile.read(DIR.resolve("malformed.yaml")));
    assertThat(e.getMessage()).startsWith(DIR.resolve("malformed.yaml").toString());
    assertThat(e.problems()).hasSize(6);
    assertThat(String.join("\n", e.problems()))
        .contains(
            "name 'has spaces' must be",
            "process 'api': unknown key 'colour'",
            "process 'api': 'verticle' is missing",
            "process 'api': 'instances' is 0",
            "process #2: 'name' is missing",
            "NESTED must be a single value");
  }

  @Test
  void aFileWithoutProcessesOrNotWellFormedIsRefused() {
    Path file = Path.of("empty.yaml");
    assertThat(
            catchThrowableOfType(
                    TopologyException.class, () -> TopologyFile.parse(file, "env: {}\n"))
                .problems())
        .containsExactly(
            "'processes' must be a non-empty list of {name, verticle, instances, env, host}");
    assertThat(
            catchThrowableOfType(
                    TopologyException.class, () -> TopologyFile.parse(file, "processes: [a\n"))
                .getMessage())
        .contains("empty.yaml: is not well-formed");
    assertThat(
            catchThrowableOfType(
                    TopologyException.class,
                    () -> TopologyFile.parse(Path.of("t.json"), "{\"processes\":"))
                .getMessage())
        .contains("t.json: is not well-formed");
  }

  @Test
  void theNameDefaultsToTheFileNameAndHostsOtherThanThisOneAreRemote() {
    Topology t =
        TopologyFile.parse(
            Path.of("deploy/three-hosts.yaml"),
            String.join(
                "\n",
                "processes:",
                "  - {name: api, verticle: api, host: localhost}",
                "  - {name: w, verticle: 'worker:info-types', host: kb-2}",
                ""));
    assertThat(t.name()).isEqualTo("three-hosts");
    assertThat(t.process("api").orElseThrow().isLocal()).isTrue();
    assertThat(t.process("w").orElseThrow().isLocal()).isFalse();
    assertThat(t.process("w").orElseThrow().hostLabel()).isEqualTo("kb-2");
  }
}
