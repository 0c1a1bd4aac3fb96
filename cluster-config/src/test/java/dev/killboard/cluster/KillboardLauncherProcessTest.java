package dev.killboard.cluster;

import static dev.killboard.testing.Await.holdsWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.killboard.testing.ChildJvm;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launcher as operators run it: a separate JVM, settings from the environment. */
@ClusterTest
class KillboardLauncherProcessTest {

  private static final int SIGTERM_EXIT = 128 + 15;

  @Test
  void joinsTheClusterHonoursInstancesAndConfAndStopsCleanly() throws Exception {
    String clusterName = TestClusters.randomClusterName();
    List<Integer> ports = TestClusters.freePorts(2);
    Vertx member =
        ClusteredVertx.start(TestClusters.member(clusterName, ports, 0, 0), new VertxOptions())
            .await(60, TimeUnit.SECONDS);
    try {
      HazelcastInstance hazelcast = ClusteredVertx.hazelcast(member);
      String address = "probe-" + UUID.randomUUID();
      List<JsonObject> reports = new CopyOnWriteArrayList<>();
      member
          .eventBus()
          .<JsonObject>consumer(
              address,
              msg -> {
                reports.add(msg.body());
                msg.reply("ok");
              })
          .completion()
          .await(10, TimeUnit.SECONDS);

      JsonObject conf = new JsonObject().put("probeAddress", address).put("marker", "from -conf");
      ChildJvm child =
          launch(
              Map.of(
                  ClusterSettings.ENV_CLUSTER_NAME,
                  clusterName,
                  ClusterSettings.ENV_MEMBERS,
                  "127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1),
                  ClusterSettings.ENV_PORT,
                  String.valueOf(ports.get(1))),
              LauncherProbeVerticle.class.getName(),
              "-cluster",
              "-instances",
              "2",
              "-conf",
              conf.encode());
      try {
        assertThat(holdsWithin(Duration.ofSeconds(90), () -> reports.size() >= 2 || !child.alive()))
            .as("probe reports arrived")
            .isTrue();
        assertThat(reports).as(() -> "reports; child output:\n" + child.output()).hasSize(2);
        // A report is sent from start(); SIGTERM before every start() has completed would abort the
        // deployment.
        assertThat(
                holdsWithin(
                    Duration.ofSeconds(60),
                    () ->
                        child.output().contains(KillboardLauncher.DEPLOYED_MARKER)
                            || !child.alive()))
            .as(() -> "deployment completed; child output:\n" + child.output())
            .isTrue();
        assertThat(child.output())
            .contains(LauncherProbeVerticle.class.getName() + " deployed: 2 instance(s)");
        assertThat(hazelcast.getCluster().getMembers())
            .as("cluster size seen by the in-test member")
            .hasSize(2);
        assertThat(reports).extracting(r -> r.getString("instance")).doesNotHaveDuplicates();
        for (JsonObject report : reports) {
          assertThat(report.getString("clusterName")).isEqualTo(clusterName);
          assertThat(report.getInteger("clusterSize")).isEqualTo(2);
          assertThat(report.getJsonObject("config").getString("marker")).isEqualTo("from -conf");
          assertThat(
                  report.getJsonObject("nodeMetadata").getString(TestVertxOptionsCustomizer.MARKER))
              .as("the ServiceLoader customizer ran before Vert.x started")
              .isEqualTo("TestVertxOptionsCustomizer");
        }
      } finally {
        child.terminate();
      }
      int exit = child.awaitExit(Duration.ofSeconds(60));
      String output = child.output();
      assertThat(exit).as("exit after SIGTERM:\n" + output).isEqualTo(SIGTERM_EXIT);
      assertThat(count(output, "probe stopped "))
          .as("both instances undeployed on shutdown:\n" + output)
          .isEqualTo(2);
      assertThat(output).doesNotContain("Failure in stopping", "Timed out waiting");
      assertThat(count(output, "CLUSTER IN UNSAFE MODE"))
          .as("unsafe-mode warning once")
          .isEqualTo(1);
      assertThat(
              holdsWithin(
                  Duration.ofSeconds(15), () -> hazelcast.getCluster().getMembers().size() == 1))
          .as("the child left the cluster gracefully")
          .isTrue();
    } finally {
      member.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void invalidSettingsExitWithTheMessageAndNoStackTrace() throws Exception {
    try (ChildJvm child =
        launch(
            Map.of(
                ClusterSettings.ENV_CLUSTER_NAME,
                TestClusters.randomClusterName(),
                ClusterSettings.ENV_CP_MEMBERS,
                "2"),
            LauncherProbeVerticle.class.getName(),
            "-cluster")) {
      int exit = child.awaitExit(Duration.ofSeconds(60));
      String output = child.output();
      assertThat(exit).as(output).isEqualTo(KillboardLauncher.CONFIG_ERROR_EXIT_CODE);
      assertThat(output)
          .contains(
              "invalid cluster configuration",
              "KILLBOARD_CP_MEMBERS=2 is invalid",
              "KILLBOARD_CP_MEMBERS=3",
              "KILLBOARD_CP_MEMBERS=0");
      // No stack trace, and no Hazelcast member was started with the bad settings.
      assertThat(output).doesNotContain("\tat ", "Exception", "Hazelcast cluster '", "[5.3.8]");
    }
  }

  /**
   * Starts the launcher in a new JVM with this test's class path and only the given KILLBOARD_*
   * variables.
   */
  private static ChildJvm launch(Map<String, String> env, String... args) throws Exception {
    return ChildJvm.of(KillboardLauncher.class)
        .withTestClasses() // the probe verticle
        .jvmArgs("-XX:TieredStopAtLevel=1")
        .args(args)
        .withoutInherited("KILLBOARD_")
        .env(env)
        .start();
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}
