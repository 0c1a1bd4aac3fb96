package dev.killboard.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.killboard.config.ConfigurationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Objects;

/**
 * Starts clustered Vert.x instances with Killboard's Hazelcast config and finds the Hazelcast
 * instance behind a Vertx.
 */
public final class ClusteredVertx {

  private ClusteredVertx() {}

  /**
   * Starts a clustered Vert.x member with {@link HazelcastConfigs#build(ClusterSettings)}; {@code
   * options} is used as given (no {@link VertxOptionsCustomizer} is applied here, the launcher does
   * that). Fails with a {@link ConfigurationException} when the settings are invalid.
   */
  public static Future<Vertx> start(ClusterSettings s, VertxOptions options) {
    Objects.requireNonNull(options, "options");
    ClusterManager clusterManager;
    try {
      clusterManager = clusterManager(s);
    } catch (ConfigurationException e) {
      return Future.failedFuture(e);
    }
    return Vertx.builder().with(options).withClusterManager(clusterManager).buildClustered();
  }

  /**
   * The Hazelcast member behind a Vert.x instance started by {@link #start} or the launcher with
   * {@code -cluster}.
   */
  public static HazelcastInstance hazelcast(Vertx vertx) {
    Objects.requireNonNull(vertx, "vertx");
    ClusterManager clusterManager =
        vertx instanceof VertxInternal ? ((VertxInternal) vertx).clusterManager() : null;
    if (clusterManager == null) {
      throw new IllegalStateException(
          "This Vert.x instance is not clustered: start it with ClusteredVertx.start(...)"
              + " or with KillboardLauncher ... -cluster");
    }
    if (!(clusterManager instanceof HazelcastClusterManager)) {
      throw new IllegalStateException(
          "This Vert.x instance is clustered with "
              + clusterManager.getClass().getName()
              + ", not Hazelcast: start it with ClusteredVertx.start(...) or with KillboardLauncher ... -cluster");
    }
    HazelcastInstance hazelcast = ((HazelcastClusterManager) clusterManager).getHazelcastInstance();
    if (hazelcast == null) {
      throw new IllegalStateException(
          "The Hazelcast member of this Vert.x instance has not joined the cluster yet");
    }
    return hazelcast;
  }

  /**
   * The cluster manager every Killboard member uses: Hazelcast with Killboard's config, never
   * cluster.xml.
   */
  static ClusterManager clusterManager(ClusterSettings s) {
    return new HazelcastClusterManager(HazelcastConfigs.build(s));
  }
}
