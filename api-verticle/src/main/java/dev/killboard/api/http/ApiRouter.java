package dev.killboard.api.http;

import dev.killboard.api.auth.Authentication;
import dev.killboard.api.config.ApiSettings;
import dev.killboard.api.errors.ErrorCode;
import dev.killboard.api.graphql.ApiGraphQL;
import dev.killboard.api.graphql.RequestContext;
import dev.killboard.api.graphql.SubscriptionSlots;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandlerOptions;
import io.vertx.ext.web.handler.graphql.ws.GraphQLWSHandler;
import io.vertx.ext.web.handler.graphql.ws.Message;
import io.vertx.ext.web.handler.graphql.ws.MessageType;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The API's routes: {@code /graphql} (WebSocket graphql-transport-ws, SSE graphql-sse, then plain
 * GET/POST), {@code /graphiql}, {@code /auth/login}, {@code /auth/callback}, {@code /health/*} and,
 * when switched on, {@code /metrics}; CORS for the configured origins, a body cap, a request
 * timeout and GraphQL-shaped errors for every failure.
 */
public final class ApiRouter {
  private ApiRouter() {}

  /** Everything the router needs. */
  public record Parts(
      ApiSettings settings,
      ApiGraphQL api,
      BearerAuthentication bearer,
      SsoLoginStart loginStart,
      SsoCallback callback,
      HealthRoutes health,
      MeterRegistry registry,
      Handler<RoutingContext> metricsHandler) {}

  public static Router create(Vertx vertx, Parts p) {
    ApiSettings s = p.settings();
    Router router = Router.router(vertx);
    if (s.trustForwardedFor()) {
      // Behind a proxy every client has the proxy's address; per-client limits need the one it
      // forwards.
      router.allowForward(AllowForwardHeaders.X_FORWARD);
    }
    router.route().handler(rc -> timeRequests(rc, p.registry()));
    router.route().handler(ApiRouter::securityHeaders);
    router.route().handler(cors(s));

    // The subscription slots of each open WebSocket of this instance.
    Map<ServerWebSocket, SubscriptionSlots> sockets = new ConcurrentHashMap<>();
    GraphQLWSHandler ws =
        GraphQLWSHandler.builder(p.api().graphQL())
            .onConnectionInit(
                init -> {
                  Object payload = init.message().message().getValue("payload");
                  String header = null;
                  if (payload instanceof io.vertx.core.json.JsonObject json) {
                    header = json.getString("authorization", json.getString("Authorization"));
                  }
                  if (header == null) {
                    header = init.message().socket().headers().get("Authorization");
                  }
                  p.bearer().authenticate(header).onComplete(ar -> init.complete(ar.result()));
                })
            .beforeExecute(
                input -> {
                  Message message = input.context();
                  Authentication auth =
                      message.connectionParams() instanceof Authentication a
                          ? a
                          : Authentication.anonymous();
                  SubscriptionSlots slots =
                      sockets.computeIfAbsent(
                          message.socket(),
                          socket -> new SubscriptionSlots(s.maxSubscriptionsPerSocket()));
                  input
                      .builder()
                      .graphQLContext(
                          Map.of(
                              SubscriptionSlots.Claim.class,
                              new SubscriptionSlots.Claim(
                                  slots, String.valueOf(message.message().getValue("id")))));
                  var peer = message.socket().remoteAddress();
                  p.api()
                      .prepare(
                          input.builder(),
                          auth,
                          RequestContext.Transport.WEBSOCKET,
                          peer == null ? null : peer.host());
                })
            .onMessage(
                message -> {
                  if (message.type() == MessageType.COMPLETE) {
                    SubscriptionSlots slots = sockets.get(message.socket());
                    if (slots != null) {
                      slots.release(String.valueOf(message.message().getValue("id")));
                    }
                  }
                })
            .onSocketEnd(sockets::remove)
            .build();

    // Executed and encoded on worker threads; the time limit runs inside the execution so that its
    // answer is the
    // only one (see RequestDeadline).
    GraphQLHttpHandler http =
        new GraphQLHttpHandler(p.api(), s.limits().requestTimeout().toMillis());

    router.route("/graphql").handler(WebSocketFrameGuard.around(ws));
    router
        .route("/graphql")
        .method(HttpMethod.GET)
        .method(HttpMethod.POST)
        .handler(BodyHandler.create(false).setBodyLimit(s.limits().maxBodyBytes()));
    router.route("/graphql").handler(p.bearer());
    router
        .route("/graphql")
        .handler(
            new GraphQLSseHandler(
                p.api(), s.sseKeepAlive().toMillis(), s.maxSseStreamsPerClient()));
    router.route("/graphql").handler(ApiRouter::requireJsonBody);
    router.route("/graphql").handler(http);

    if (s.graphiqlEnabled()) {
      GraphiQLHandler graphiql =
          GraphiQLHandler.create(
              vertx,
              new GraphiQLHandlerOptions()
                  .setEnabled(true)
                  .setGraphQLUri("/graphql")
                  .setGraphQLWSEnabled(true)
                  .setGraphWSQLUri("/graphql"));
      router.route("/graphiql*").subRouter(graphiql.router());
      // The handler reads its page with readFileBlocking on each request; the first read unpacks it
      // from the jar (up to a second on a busy machine). Done here, off the event loop (ApiVerticle
      // builds the router on a worker); later reads come from Vert.x's file cache.
      try {
        vertx.fileSystem().readFileBlocking("io/vertx/ext/web/handler/graphiql/index.html");
      } catch (RuntimeException e) {
        // Only a warm-up: GraphiQL then unpacks its page on its first request.
      }
    }
    router.get("/auth/login").handler(p.loginStart());
    router.get("/auth/callback").handler(p.callback());
    p.health().mount(router);
    if (s.clientLimits().publicMetrics()) {
      // Off by default: the management port serves /metrics to the operators' network.
      router.get("/metrics").handler(p.metricsHandler());
    }
    router
        .route()
        .last()
        .handler(rc -> ErrorResponses.send(rc, 404, ErrorCode.NOT_FOUND, "Not found"));
    router.route().failureHandler(new ErrorResponses());
    return router;
  }

  /**
   * Headers on every answer: no content sniffing; no framing except for GraphiQL (a page meant to
   * be opened, whose scripts come from a CDN); {@code Vary: Origin} because CORS answers depend on
   * the Origin header, so a cache must not hand one origin's answer to another.
   */
  private static void securityHeaders(RoutingContext rc) {
    var headers = rc.response().headers();
    headers.set("X-Content-Type-Options", "nosniff");
    String path = rc.request().path();
    if (path == null || !path.startsWith("/graphiql")) {
      headers.set("Content-Security-Policy", "frame-ancestors 'none'");
    }
    headers.add("Vary", "Origin");
    rc.next();
  }

  private static CorsHandler cors(ApiSettings s) {
    CorsHandler cors =
        CorsHandler.create()
            .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
            .allowedHeaders(Set.of("Content-Type", "Authorization", "Accept"))
            .maxAgeSeconds(600);
    if (s.corsOrigins().contains("*")) {
      cors.addOrigin("*");
    } else {
      cors.addOrigins(s.corsOrigins());
    }
    return cors;
  }

  /**
   * A POST whose JSON body is malformed, or that is not a JSON object, is answered 400 here with a
   * GraphQL-shaped error, before the GraphQL handler sees it.
   */
  private static void requireJsonBody(RoutingContext rc) {
    if (rc.request().method() != HttpMethod.POST) {
      String query = rc.queryParams().get("query");
      if (rc.request().method() == HttpMethod.GET && query != null && query.isBlank()) {
        ErrorResponses.send(rc, 400, ErrorCode.BAD_REQUEST, "The request has no query");
        return;
      }
      rc.next();
      return;
    }
    String type = rc.request().getHeader("Content-Type");
    boolean json =
        type == null
            || type.isBlank()
            || type.toLowerCase(Locale.ROOT).startsWith("application/json");
    if (!json || rc.queryParams().contains("query")) {
      rc.next();
      return;
    }
    if (rc.body() == null || rc.body().length() == 0) {
      ErrorResponses.send(rc, 400, ErrorCode.BAD_REQUEST, "The request has no body");
      return;
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(rc.body().buffer());
    } catch (RuntimeException e) {
      ErrorResponses.send(rc, 400, ErrorCode.BAD_REQUEST, "The request body is not valid JSON");
      return;
    }
    io.vertx.core.json.JsonObject obj;
    if (parsed instanceof io.vertx.core.json.JsonObject o) {
      obj = o;
    } else if (parsed instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      obj = new io.vertx.core.json.JsonObject(map);
    } else {
      ErrorResponses.send(
          rc,
          400,
          ErrorCode.BAD_REQUEST,
          "The request body must be a JSON object (batching is not offered)");
      return;
    }
    Object query = obj.getValue("query");
    if (query instanceof String q && q.isBlank()) {
      // graphql-java would replace an empty query that has a persistedQuery extension by its
      // internal marker and
      // answer a parse error naming it; this API keeps no persisted queries.
      ErrorResponses.send(rc, 400, ErrorCode.BAD_REQUEST, "The request has no query");
      return;
    }
    Object variables = obj.getValue("variables");
    Object operationName = obj.getValue("operationName");
    Object extensions = obj.getValue("extensions");
    if (!(query instanceof String)
        || (variables != null && !(variables instanceof io.vertx.core.json.JsonObject))
        || (operationName != null && !(operationName instanceof String))
        || (extensions != null && !(extensions instanceof io.vertx.core.json.JsonObject))) {
      ErrorResponses.send(
          rc,
          400,
          ErrorCode.BAD_REQUEST,
          "Expected {\"query\": string, \"variables\"?: object, \"operationName\"?: string, \"extensions\"?: object}");
      return;
    }
    rc.next();
  }

  private static void timeRequests(RoutingContext rc, MeterRegistry registry) {
    long start = System.nanoTime();
    String path = rc.request().path();
    String route =
        path == null
            ? "other"
            : path.startsWith("/graphiql")
                ? "/graphiql"
                : switch (path) {
                  case "/graphql",
                      "/health",
                      "/health/live",
                      "/health/ready",
                      "/metrics",
                      "/auth/login",
                      "/auth/callback" ->
                      path;
                  default -> "other";
                };
    String method = rc.request().method().name();
    rc.addBodyEndHandler(
        v ->
            Timer.builder("killboard.http.requests")
                .description("HTTP requests by route, method and status")
                .tag("route", route)
                .tag("method", method)
                .tag("status", Integer.toString(rc.response().getStatusCode()))
                .register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    rc.next();
  }
}
