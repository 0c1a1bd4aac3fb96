package dev.killboard.worker;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Several workers deployed as one ({@code worker:production}): each member gets the group's config
 * and its own instance count; undeploying the group undeploys them all (Vert.x undeploys children
 * with their parent).
 */
public final class WorkerGroup extends VerticleBase {
  /** The original's production workers, one instance each (R2Z2 must run once per cluster). */
  public static final List<String> PRODUCTION =
      List.of(
          "redisq-stream",
          "info-characters",
          "info-corporations",
          "info-alliances",
          "alliance-corporations",
          "info-types",
          "zkillboard-sync",
          "esi-user-killmails");

  private static final Map<String, List<String>> GROUPS = Map.of("production", PRODUCTION);

  private final String name;
  private final List<String> members;

  private WorkerGroup(String name, List<String> members) {
    this.name = name;
    this.members = members;
  }

  /** The named group, if there is one. */
  public static Optional<WorkerGroup> create(String name) {
    List<String> members = GROUPS.get(name);
    return members == null ? Optional.empty() : Optional.of(new WorkerGroup(name, members));
  }

  /** Every group name. */
  public static Set<String> names() {
    return GROUPS.keySet();
  }

  @Override
  public Future<?> start() {
    List<Future<String>> deployments = new ArrayList<>();
    for (String member : members) {
      deployments.add(
          vertx.deployVerticle(
              WorkerVerticleFactory.PREFIX + ":" + member,
              new DeploymentOptions().setConfig(config().copy())));
    }
    // A member that cannot start fails the group; the ones that started are undeployed with it.
    return Future.all(deployments)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "worker group '" + name + "' could not start: " + e.getMessage(), e)));
  }
}
