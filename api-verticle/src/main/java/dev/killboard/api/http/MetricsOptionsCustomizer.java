package dev.killboard.api.http;

import dev.killboard.cluster.VertxOptionsCustomizer;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * Turns on Vert.x's Micrometer metrics with a Prometheus backend when the launcher starts a process
 * that has the API on its class path, so {@code /metrics} shows HTTP server, client pool and event
 * bus metrics too. Leaves options that already configure metrics alone.
 */
public final class MetricsOptionsCustomizer implements VertxOptionsCustomizer {
  @Override
  public void customize(VertxOptions options) {
    if (options.getMetricsOptions() != null && options.getMetricsOptions().isEnabled()) {
      return;
    }
    options.setMetricsOptions(
        new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            .setJvmMetricsEnabled(true)
            .setEnabled(true));
  }
}
