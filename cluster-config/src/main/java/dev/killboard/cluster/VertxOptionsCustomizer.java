package dev.killboard.cluster;

import io.vertx.core.VertxOptions;
import java.util.ServiceLoader;

/**
 * Extension point found with {@link ServiceLoader}: lets other modules adjust VertxOptions before
 * the launcher starts Vert.x (e.g. metrics). Register an implementation in {@code
 * META-INF/services/dev.killboard.cluster.VertxOptionsCustomizer}; it needs a public no-argument
 * constructor.
 */
public interface VertxOptionsCustomizer {

  /**
   * Adjusts {@code options} in place; called once, after the command line and system properties
   * were applied.
   */
  void customize(VertxOptions options);
}
