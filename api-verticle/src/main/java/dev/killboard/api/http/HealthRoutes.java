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
 * {@code /health/live}: the process answers. {@code /health/ready}: the database answers a query through the
 * budgeted pool and the connection budget answers its status (both within 3 s); the job queues are reported but do
 * not decide readiness (the API serves without them).
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

  private void ready(RoutingContext rc) {
    Future<String> db = timed(pool.query("SELECT 1").execute().map("UP"));
    Future<JsonObject> permits = budget == null ? Future.succeededFuture(new JsonObject())
        : timed(budget.status().map(s -> s.toJson()));
    Future.join(db, permits).onComplete(ar -> {
      boolean up = db.succeeded() && permits.succeeded();
      JsonObject checks = new JsonObject()
          .put("database", db.succeeded() ? "UP" : "DOWN: " + reason(db.cause()))
          .put("budget", permits.succeeded() ? "UP" : "DOWN: " + reason(permits.cause()))
          .put("queues", queues.isUp() ? "UP" : "DOWN (not required)");
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks);
      if (permits.succeeded()) {
        body.put("permits", permits.result());
      }
      send(rc, up ? 200 : 503, body);
    });
  }

  private static String reason(Throwable t) {
    return t == null ? "unknown" : t.getClass().getSimpleName();
  }

  private <T> Future<T> timed(Future<T> f) {
    return f.timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static void send(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}
