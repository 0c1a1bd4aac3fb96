package dev.killboard.fake;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * What the four fakes share: an HTTP server (its own, or routes mounted on a shared one), a {@link
 * RequestJournal} and a {@link FaultInjector} applied before every route's real answer.
 */
public abstract class FakeServer {
  /** Where fakes listen unless told otherwise: tests never bind other interfaces. */
  public static final String LOOPBACK = "127.0.0.1";

  protected final Vertx vertx;
  private final FaultInjector faults = new FaultInjector();
  private final RequestJournal journal = new RequestJournal();
  private volatile HttpServer server;
  private volatile String origin;

  protected FakeServer(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts this fake alone on 127.0.0.1 and a random free port. */
  public Future<Void> start() {
    return start(LOOPBACK, 0);
  }

  /** Starts this fake alone on a host and port (0 = a random free port). */
  public Future<Void> start(String host, int port) {
    Router router = Router.router(vertx);
    mount(router);
    HttpServer created =
        vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
    return created
        .requestHandler(router)
        .listen()
        .map(
            s -> {
              server = s;
              attach("http://" + host + ":" + s.actualPort());
              return null;
            });
  }

  /** Stops this fake's own server (nothing to do when mounted on a shared one). */
  public Future<Void> close() {
    HttpServer s = server;
    server = null;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /**
   * Registers this fake's routes on a router; {@link FakeUpstreams} uses it to serve all fakes on
   * one port.
   */
  public abstract void mount(Router router);

  /**
   * The URL clients are configured with (for example {@code http://127.0.0.1:PORT/latest} for ESI).
   */
  public abstract String baseUrl();

  /** {@code http://host:port} of the server this fake answers on. */
  public String origin() {
    if (origin == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " is not started");
    }
    return origin;
  }

  /** Faults to show on the next calls of a route. */
  public FaultInjector faults() {
    return faults;
  }

  /** Requests received, per route. */
  public RequestJournal requests() {
    return journal;
  }

  void attach(String serverOrigin) {
    this.origin = serverOrigin;
  }

  /**
   * Registers a route: requests are journaled, may be stopped by {@link #admit}, then faults apply,
   * then the handler.
   */
  protected final void route(
      Router router,
      HttpMethod method,
      String regex,
      String name,
      Handler<RoutingContext> handler) {
    router.routeWithRegex(method, regex).handler(ctx -> dispatch(ctx, name, handler));
  }

  /**
   * A catch-all for a path prefix: journaled as {@link RequestJournal#UNMATCHED}, answered by the
   * handler.
   */
  protected final void fallback(
      Router router, String prefixRegex, Handler<RoutingContext> handler) {
    router
        .routeWithRegex(prefixRegex)
        .handler(ctx -> dispatch(ctx, RequestJournal.UNMATCHED, handler));
  }

  /**
   * Called before faults and the handler; returns false when it has answered itself (ESI's 420 when
   * the error limit is spent). Subclasses may also add headers-end handlers here.
   */
  protected boolean admit(RoutingContext ctx, String route) {
    return true;
  }

  private void dispatch(RoutingContext ctx, String name, Handler<RoutingContext> handler) {
    RecordedRequest recorded = journal.record(name, ctx.request());
    ctx.addHeadersEndHandler(v -> recorded.status(ctx.response().getStatusCode()));
    if (!admit(ctx, name)) {
      return;
    }
    Optional<Fault> fault = faults.take(name);
    if (fault.isEmpty()) {
      handler.handle(ctx);
      return;
    }
    Fault f = fault.get();
    if (f instanceof Fault.Status s) {
      ctx.response()
          .setStatusCode(s.status())
          .putHeader("Content-Type", "application/json; charset=UTF-8")
          .end(s.body());
    } else if (f instanceof Fault.TooManyRequests t) {
      ctx.response()
          .setStatusCode(429)
          .putHeader(
              "Retry-After", Long.toString(Math.max(1, (t.retryAfter().toMillis() + 999) / 1000)))
          .putHeader("Content-Type", "application/json; charset=UTF-8")
          .end("{\"error\":\"Too many requests\"}");
    } else if (f instanceof Fault.Delay d) {
      vertx.setTimer(
          Math.max(1, d.delay().toMillis()),
          id -> {
            // The client may have given up meanwhile; answering a closed connection is pointless.
            if (!ctx.response().closed() && !ctx.response().ended()) {
              handler.handle(ctx);
            }
          });
    } else {
      ctx.request().connection().close();
    }
  }
}
