package dev.killboard.api.http;

import dev.killboard.runtime.PerVertx;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * The Prometheus registry behind {@code /metrics}. When Vert.x runs with Micrometer metrics on a
 * Prometheus backend (the launcher turns it on through {@link MetricsOptionsCustomizer}), that
 * registry is used, so Vert.x's own HTTP, pool and event bus metrics appear next to the API's;
 * otherwise one registry per Vert.x instance is created, closed with it (its meters are bound to
 * that instance's budget and pools: a later Vert.x instance in the same JVM gets a fresh one).
 */
public final class ApiMetrics {
  private static final PerVertx<PrometheusMeterRegistry> FALLBACK =
      PerVertx.closing(
          "API metrics registry",
          r -> {
            Metrics.removeRegistry(r);
            r.close();
            return Future.succeededFuture();
          });

  private ApiMetrics() {}

  /** The registry {@code vertx}'s API instances record into and scrape. */
  public static PrometheusMeterRegistry registry(Vertx vertx) {
    MeterRegistry backend = BackendRegistries.getDefaultNow();
    if (backend instanceof PrometheusMeterRegistry prometheus) {
      return prometheus;
    }
    return FALLBACK.get(
        vertx,
        v -> {
          PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
          new JvmMemoryMetrics().bindTo(r);
          new JvmThreadMetrics().bindTo(r);
          Metrics.addRegistry(r);
          return r;
        });
  }

  /** The {@code /metrics} handler (Prometheus text format). */
  public static Handler<RoutingContext> scrapeHandler(PrometheusMeterRegistry registry) {
    return PrometheusScrapingHandler.create(registry);
  }
}
