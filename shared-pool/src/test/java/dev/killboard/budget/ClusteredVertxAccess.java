package dev.killboard.budget;

import com.hazelcast.core.HazelcastInstance;
import dev.killboard.cluster.ClusteredVertx;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** Test-side reads of the Hazelcast member behind a Vert.x instance. */
final class ClusteredVertxAccess {
  private ClusteredVertxAccess() {}

  static int cpMembers(Vertx vertx) throws Exception {
    HazelcastInstance hz = ClusteredVertx.hazelcast(vertx);
    return hz.getCPSubsystem()
        .getCPSubsystemManagementService()
        .getCPMembers()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS)
        .size();
  }
}
