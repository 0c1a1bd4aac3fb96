package dev.killboard.cluster;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

/** Registered in META-INF/services: marks the options so tests can see the launcher applied it. */
public class TestVertxOptionsCustomizer implements VertxOptionsCustomizer {

  static final String MARKER = "customizedBy";

  @Override
  public void customize(VertxOptions options) {
    options
        .getEventBusOptions()
        .setClusterNodeMetadata(new JsonObject().put(MARKER, getClass().getSimpleName()));
  }
}
