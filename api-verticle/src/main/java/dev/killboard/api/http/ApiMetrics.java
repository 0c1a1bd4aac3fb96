package dev.killboard.api.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * The Prometheus registry behind {@code /metrics}. When Vert.x runs with Micrometer metrics on a
 * Prometheus backend (the launcher turns it on through {@link MetricsOptionsCustomizer}), that
 * registry is used, so Vert.x's own HTTP, pool and event bus metrics appear next to the API's;
 * otherwise one registry per process is created.
 */
public final class ApiMetrics {
  private static PrometheusMeterRegistry fallback;

  private ApiMetrics() {}

  /** The registry to record into and scrape. */
  public static synchronized PrometheusMeterRegistry registry() {
    MeterRegistry vertx = BackendRegistries.getDefaultNow();
    if (vertx instanceof PrometheusMeterRegistry prometheus) {
      return prometheus;
    }
    if (fallback == null) {
      fallback = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(fallback);
      new JvmThreadMetrics().bindTo(fallback);
      Metrics.addRegistry(fallback);
    }
    return fallback;
  }

  /** The {@code /metrics} handler (Prometheus text format). */
  public static Handler<RoutingContext> scrapeHandler(PrometheusMeterRegistry registry) {
    return PrometheusScrapingHandler.create(registry);
  }
}
