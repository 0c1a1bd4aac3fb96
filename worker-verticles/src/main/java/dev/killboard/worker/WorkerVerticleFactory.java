package dev.killboard.worker;

import io.vertx.core.Deployable;
import io.vertx.core.Promise;
import io.vertx.core.spi.VerticleFactory;
import java.util.concurrent.Callable;

/**
 * Deploys workers by name with the prefix {@code worker}, e.g. {@code KillboardLauncher
 * worker:info-characters -cluster -instances 3} or {@code
 * vertx.deployVerticle("worker:info-characters", options)}; {@code worker:production} deploys the
 * group of the original's production workers ({@link WorkerGroup}). Registered through {@code
 * META-INF/services/io.vertx.core.spi.VerticleFactory}.
 */
public final class WorkerVerticleFactory implements VerticleFactory {
  /** The prefix of worker verticle names. */
  public static final String PREFIX = "worker";

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public void createVerticle2(
      String verticleName,
      ClassLoader classLoader,
      Promise<Callable<? extends Deployable>> promise) {
    String name = VerticleFactory.removePrefix(verticleName);
    if (WorkerGroup.create(name).isPresent()) {
      promise.complete(() -> WorkerGroup.create(name).orElseThrow());
      return;
    }
    if (WorkerCatalog.create(name).isEmpty()) {
      promise.fail(
          new IllegalArgumentException(
              "No worker named '"
                  + name
                  + "'. Known workers: "
                  + String.join(", ", WorkerCatalog.names())
                  + "; groups: "
                  + String.join(", ", WorkerGroup.names())));
      return;
    }
    // Called once per instance (-instances N): each gets its own worker, pool and queue connection.
    promise.complete(() -> WorkerCatalog.create(name).orElseThrow());
  }
}
