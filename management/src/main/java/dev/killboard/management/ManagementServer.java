package dev.killboard.management;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.config.Env;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port of one Killboard process (API or worker): {@code /health/ready} with details,
 * {@code /metrics} (Prometheus), and the connection budget as a page ({@code /budget}), as JSON
 * ({@code /budget.json}) and as a stream of one status per second ({@code /budget/events},
 * Server-Sent Events).
 */
public final class ManagementServer {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
  private static final long CHECK_TIMEOUT_MS = 3_000;
  private static final long EVENT_INTERVAL_MS = 1_000;
  private static final String WEB = "dev/killboard/management/web/";

  private final Vertx vertx;
  private final ConnectionBudget budget;
  private final BudgetSnapshot snapshot;
  private final PrometheusMeterRegistry registry;
  private final Set<HttpServerResponse> subscribers = ConcurrentHashMap.newKeySet();
  private final Buffer page = resource("budget.html");
  private final Buffer script = resource("budget.js");
  private volatile long ticker = -1;
  private HttpServer server;

  private ManagementServer(Vertx vertx, ConnectionBudget budget) {
    this.vertx = vertx;
    this.budget = budget;
    this.snapshot = new BudgetSnapshot(budget);
    this.registry = registry(budget);
  }

  /**
   * Starts the server of a process started by {@code killboard run}, once its verticle has
   * deployed: the budget is the one the verticle joined (joined now when it has not). Never fails:
   * a taken port or a process without a budget is logged, and the process goes on without (or with
   * part of) its management port.
   */
  public static Future<ManagementServer> startForProcess(
      Vertx vertx, ManagementSettings settings, Map<String, String> env) {
    if (!settings.enabled()) {
      LOG.info("Management server off ({}=0)", ManagementSettings.PORT);
      return Future.succeededFuture();
    }
    Future<ConnectionBudget> budget;
    try {
      budget = ConnectionBudget.forVertx(vertx, Env.read(env, BudgetSettings::from).validate());
    } catch (RuntimeException e) {
      budget = Future.failedFuture(e);
    }
    return budget
        .recover(
            err -> {
              LOG.warn(
                  "The management server shows no budget: this process has no connection budget ({})",
                  err.getMessage());
              return Future.succeededFuture(null);
            })
        .compose(b -> start(vertx, settings, b))
        .recover(
            err -> {
              LOG.warn(
                  "Management server not started on {}:{} ({}): this process goes on without it. Each process on a"
                      + " host needs its own {} (or 0 to switch it off)",
                  settings.host(),
                  settings.port(),
                  err.getMessage(),
                  ManagementSettings.PORT);
              return Future.succeededFuture();
            });
  }

  /**
   * Starts the server on {@code settings}' address; {@code budget} may be null (the budget paths
   * then answer 503).
   */
  public static Future<ManagementServer> start(
      Vertx vertx, ManagementSettings settings, ConnectionBudget budget) {
    ManagementServer management = new ManagementServer(vertx, budget);
    return vertx
        .createHttpServer()
        .requestHandler(management.router())
        .listen(settings.port(), settings.host())
        .map(
            s -> {
              management.server = s;
              LOG.info(
                  "Management server on http://{}:{}/ (/health/ready, /metrics, /budget)",
                  settings.host(),
                  s.actualPort());
              return management;
            });
  }

  /** The port the server listens on. */
  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    stopTicker();
    subscribers.forEach(r -> r.reset());
    return server == null ? Future.succeededFuture() : server.close();
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router
        .get("/budget")
        .handler(
            rc -> rc.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page));
    router
        .get("/budget.js")
        .handler(
            rc ->
                rc.response()
                    .putHeader("Content-Type", "text/javascript; charset=utf-8")
                    .end(script));
    router.get("/budget.json").handler(this::budgetJson);
    router.get("/budget/events").handler(this::budgetEvents);
    return router;
  }

  private void ready(RoutingContext rc) {
    BudgetedPool pool = budget == null ? null : budget.pools().stream().findFirst().orElse(null);
    // Through a pool the process already has: the management port never opens one (it would take
    // permits).
    Future<String> db =
        pool == null
            ? Future.succeededFuture("NOT CHECKED (no pool in this process)")
            : pool.pool()
                .query("SELECT 1")
                .execute()
                .map("UP")
                .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Future<JsonObject> permits = snapshot.take().timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Future.join(db, permits)
        .onComplete(
            ar -> {
              boolean up = db.succeeded() && permits.succeeded();
              JsonObject checks =
                  new JsonObject()
                      .put("database", db.succeeded() ? db.result() : "DOWN: " + reason(db.cause()))
                      .put(
                          "budget",
                          permits.succeeded() ? "UP" : "DOWN: " + reason(permits.cause()));
              JsonObject body =
                  new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks);
              if (permits.succeeded()) {
                body.put("permits", permits.result());
              }
              json(rc, up ? 200 : 503, body);
            });
  }

  private void budgetJson(RoutingContext rc) {
    snapshot
        .take()
        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                json(rc, 200, ar.result());
              } else {
                json(rc, 503, new JsonObject().put("error", reason(ar.cause())));
              }
            });
  }

  private void budgetEvents(RoutingContext rc) {
    HttpServerResponse response =
        rc.response()
            .setChunked(true)
            .putHeader("Content-Type", "text/event-stream; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 2000\n\n");
    subscribers.add(response);
    response.closeHandler(v -> subscribers.remove(response));
    response.exceptionHandler(err -> subscribers.remove(response));
    if (ticker < 0) {
      // One status read per second for all viewers: reading the semaphores blocks a worker thread.
      ticker = vertx.setPeriodic(0, EVENT_INTERVAL_MS, id -> publish());
    }
  }

  private void publish() {
    if (subscribers.isEmpty()) {
      stopTicker();
      return;
    }
    snapshot
        .take()
        .onComplete(
            ar -> {
              String data =
                  ar.succeeded()
                      ? ar.result().encode()
                      : new JsonObject()
                          .put("error", reason(ar.cause()))
                          .put("at", System.currentTimeMillis())
                          .encode();
              for (HttpServerResponse r : subscribers) {
                // A viewer that does not read is skipped, not buffered for.
                if (!r.writeQueueFull() && !r.closed()) {
                  r.write("data: " + data + "\n\n");
                }
              }
            });
  }

  private void stopTicker() {
    if (ticker >= 0) {
      vertx.cancelTimer(ticker);
      ticker = -1;
    }
  }

  /**
   * The process's Prometheus registry: Vert.x's own when the launcher turned Micrometer on (the
   * API's MetricsOptionsCustomizer, on every process's class path), else one of this server's. The
   * budget's meters are bound unless the API verticle bound them already.
   */
  private static PrometheusMeterRegistry registry(ConnectionBudget budget) {
    MeterRegistry vertx = BackendRegistries.getDefaultNow();
    PrometheusMeterRegistry registry;
    if (vertx instanceof PrometheusMeterRegistry prometheus) {
      registry = prometheus;
    } else {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
    }
    if (budget != null && registry.find("killboard.budget.permits.size").meter() == null) {
      budget.bindMetrics(registry);
    }
    return registry;
  }

  private static String reason(Throwable t) {
    if (t == null) {
      return "unknown";
    }
    return t.getMessage() == null
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  private static Buffer resource(String name) {
    try (InputStream in = ManagementServer.class.getClassLoader().getResourceAsStream(WEB + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + WEB + name);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
