package dev.killboard.api.http;

import dev.killboard.api.jobs.QueueAccess;
import dev.killboard.budget.ConnectionBudget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the database answers a query
 * through the budgeted pool and the connection budget answers its status (both within 3 s); the job
 * queues do not decide readiness (the API serves without them). Status only: the details are on the
 * management port.
 */
public final class HealthRoutes {
  private static final long CHECK_TIMEOUT_MS = 3_000;

  private final Vertx vertx;
  private final Pool pool;
  private final ConnectionBudget budget;
  private final QueueAccess queues;

  public HealthRoutes(Vertx vertx, Pool pool, ConnectionBudget budget, QueueAccess queues) {
    this.vertx = vertx;
    this.pool = pool;
    this.budget = budget;
    this.queues = queues;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(rc -> send(rc, 200, new JsonObject().put("status", "UP")));
    // The original backend's health path, which deployments made for it probe.
    router.get("/health").handler(rc -> send(rc, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  /**
   * Status only ({@code {"status":"UP"}} or 503 {@code {"status":"DOWN"}}): the public port shows
   * no member ids, addresses, holders or exception classes (issue 10, R2); the management port's
   * {@code /health/ready} has them.
   */
  private void ready(RoutingContext rc) {
    Future<String> db = timed(pool.query("SELECT 1").execute().map("UP"));
    Future<?> permits = budget == null ? Future.succeededFuture() : timed(budget.status());
    Future.join(db, permits)
        .onComplete(
            ar -> {
              boolean up = db.succeeded() && permits.succeeded();
              send(rc, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN"));
            });
  }

  private <T> Future<T> timed(Future<T> f) {
    return f.timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static void send(RoutingContext rc, int status, JsonObject body) {
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
