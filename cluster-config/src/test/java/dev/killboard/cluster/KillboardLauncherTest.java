package dev.killboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KillboardLauncherTest {

  @Test
  void findsTheClusterFlagTheWayTheLauncherParsesIt() {
    assertThat(KillboardLauncher.clusterRequested(new String[] {"my.Verticle", "-cluster"}))
        .isTrue();
    assertThat(KillboardLauncher.clusterRequested(new String[] {"-CLUSTER", "my.Verticle"}))
        .isTrue();
    assertThat(
            KillboardLauncher.clusterRequested(
                new String[] {"my.Verticle", "--cluster", "-instances", "3"}))
        .isTrue();
    assertThat(KillboardLauncher.clusterRequested(new String[] {"my.Verticle", "-c"})).isTrue();
    assertThat(KillboardLauncher.clusterRequested(new String[] {"my.Verticle", "-instances", "3"}))
        .isFalse();
    assertThat(
            KillboardLauncher.clusterRequested(
                new String[] {"my.Verticle", "-cluster-port", "1234"}))
        .isFalse();
    // A value that happens to read "-cluster" is not the flag.
    assertThat(
            KillboardLauncher.clusterRequested(new String[] {"my.Verticle", "-conf", "-cluster"}))
        .isFalse();
    assertThat(KillboardLauncher.clusterRequested(new String[] {"my.Verticle", "--", "-cluster"}))
        .isFalse();
  }

  @Test
  void clusteredLaunchValidatesTheEnvironmentUpFront() {
    assertThatThrownBy(
            () ->
                new KillboardLauncher(
                    new String[] {"my.Verticle", "-cluster"},
                    Map.of(ClusterSettings.ENV_CP_MEMBERS, "1")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("KILLBOARD_CP_MEMBERS=1 is invalid");
    KillboardLauncher clustered =
        new KillboardLauncher(
            new String[] {"my.Verticle", "-cluster"},
            Map.of(ClusterSettings.ENV_CP_MEMBERS, "3", ClusterSettings.ENV_CLUSTER_NAME, "k1"));
    assertThat(clustered.clusterSettings())
        .isEqualTo(new ClusterSettings("k1", List.of("127.0.0.1"), "127.0.0.1", 5701, 3, 10, 2));
  }

  @Test
  void aLocalLaunchIgnoresTheClusterEnvironment() {
    KillboardLauncher local =
        new KillboardLauncher(
            new String[] {"my.Verticle"}, Map.of(ClusterSettings.ENV_CP_MEMBERS, "1"));
    assertThat(local.clusterSettings()).isNull();
  }

  @Test
  void appliesEveryServiceLoaderCustomizer() {
    VertxOptions options = new VertxOptions();
    assertThat(KillboardLauncher.applyCustomizers(options))
        .hasAtLeastOneElementOfType(TestVertxOptionsCustomizer.class);
    assertThat(
            options
                .getEventBusOptions()
                .getClusterNodeMetadata()
                .getString(TestVertxOptionsCustomizer.MARKER))
        .isEqualTo("TestVertxOptionsCustomizer");
  }
}
