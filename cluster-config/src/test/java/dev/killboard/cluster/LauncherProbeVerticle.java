package dev.killboard.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Deployed by the launcher in a child JVM: reports what it sees of the cluster to the test over the
 * event bus.
 */
public class LauncherProbeVerticle extends VerticleBase {

  private final String instanceId = UUID.randomUUID().toString();

  @Override
  public Future<?> start() {
    HazelcastInstance hazelcast = ClusteredVertx.hazelcast(vertx);
    JsonObject report =
        new JsonObject()
            .put("instance", instanceId)
            .put("clusterName", hazelcast.getConfig().getClusterName())
            .put("clusterSize", hazelcast.getCluster().getMembers().size())
            .put("nodeMetadata", ((VertxInternal) vertx).clusterManager().getNodeInfo().metadata())
            .put("config", config());
    return vertx.eventBus().request(config().getString("probeAddress"), report);
  }

  @Override
  public Future<?> stop() {
    System.out.println("probe stopped " + instanceId);
    System.out.flush();
    return Future.succeededFuture();
  }
}
