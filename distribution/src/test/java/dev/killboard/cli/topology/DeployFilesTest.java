package dev.killboard.cli.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files in deploy/: the example topology validates, and the Kubernetes manifests (which no test
 * can apply here) are well-formed and carry what docs/operations.md promises.
 */
class DeployFilesTest {
  private static final Path DEPLOY = Path.of("..", "deploy");

  @Test
  void theExampleTopologyIsValid() {
    Topology t = TopologyFile.read(DEPLOY.resolve("topology.example.yaml"));
    TopologyCheck.Findings f = TopologyCheck.check(t, Map.of());
    assertThat(f.errors()).isEmpty();
    assertThat(t.processes())
        .extracting(TopologyProcess::verticle)
        .containsExactly(
            "api", "worker:production", "worker:info-characters", "worker:info-corporations");
    // 8 + 3 + 2 worker instances x 2 = 26 connections on 16 permits: 5 instances wait at full load.
    assertThat(f.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("worker demand 26 connections")
                    .contains("on 16 permits: at full load 5 instances will wait"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesManifestsHaveWhatTheDocsPromise() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc :
            new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
          assertThat(doc).as(file + " documents are mappings").isInstanceOf(Map.class);
          Map<String, Object> m = (Map<String, Object>) doc;
          assertThat(m).as(file.toString()).containsKeys("apiVersion", "kind", "metadata");
          assertThat((Map<String, Object>) m.get("metadata"))
              .as(file.toString())
              .containsKey("name");
          docs.add(m);
        }
      }
    }
    List<Map<String, Object>> deployments =
        docs.stream().filter(d -> d.get("kind").equals("Deployment")).toList();
    assertThat(deployments)
        .extracting(d -> ((Map<String, Object>) d.get("metadata")).get("name"))
        .containsExactlyInAnyOrder(
            "killboard-api", "killboard-worker-production", "killboard-worker-info-characters");
    for (Map<String, Object> d : deployments) {
      Map<String, Object> spec = (Map<String, Object>) d.get("spec");
      Map<String, Object> rolling =
          (Map<String, Object>) ((Map<String, Object>) spec.get("strategy")).get("rollingUpdate");
      assertThat(rolling).containsEntry("maxUnavailable", 1);
      Map<String, Object> template = (Map<String, Object>) spec.get("template");
      Map<String, Object> labels =
          (Map<String, Object>) ((Map<String, Object>) template.get("metadata")).get("labels");
      assertThat(labels).containsEntry("killboard.dev/cp-member", "true");
      Map<String, Object> pod = (Map<String, Object>) template.get("spec");
      assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(35);
      Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
      assertThat((List<Map<String, Object>>) container.get("envFrom"))
          .anySatisfy(
              e -> assertThat(e).containsEntry("secretRef", Map.of("name", "killboard-secrets")));
      assertThat((List<String>) container.get("command"))
          .startsWith("/opt/killboard/bin/killboard", "run");
    }
    Map<String, Object> secret =
        docs.stream().filter(d -> d.get("kind").equals("Secret")).findFirst().orElseThrow();
    assertThat((Map<String, Object>) secret.get("stringData"))
        .containsKeys("DATABASE_URL", "KILLBOARD_TOKEN_KEY");
    Map<String, Object> pdb =
        docs.stream()
            .filter(d -> d.get("kind").equals("PodDisruptionBudget"))
            .findFirst()
            .orElseThrow();
    assertThat(((Map<String, Object>) pdb.get("spec"))).containsEntry("maxUnavailable", 1);
    assertThat(
            docs.stream()
                .filter(
                    d ->
                        d.get("kind").equals("Service")
                            && "None"
                                .equals(((Map<String, Object>) d.get("spec")).get("clusterIP"))))
        .hasSize(3);
    Map<String, Object> config =
        docs.stream().filter(d -> d.get("kind").equals("ConfigMap")).findFirst().orElseThrow();
    // Three CP members: the three Deployments, each named in the member list.
    Map<String, Object> data = (Map<String, Object>) config.get("data");
    assertThat(data).containsEntry("KILLBOARD_CP_MEMBERS", "3");
    assertThat(((String) data.get("KILLBOARD_CLUSTER_MEMBERS")).split(","))
        .hasSize(deployments.size());
  }
}
