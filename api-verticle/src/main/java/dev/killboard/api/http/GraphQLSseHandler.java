package dev.killboard.api.http;

import dev.killboard.api.errors.ErrorCode;
import dev.killboard.api.graphql.ApiGraphQL;
import dev.killboard.api.graphql.RequestContext;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * GraphQL over Server-Sent Events, the graphql-sse protocol's "distinct connections" mode (what the
 * graphql-sse client uses by default): a request to {@code /graphql} with {@code Accept:
 * text/event-stream} carries one operation (POST JSON body or GET parameters) and gets a stream of
 * {@code event: next} messages ended by {@code event: complete}. A request that does not parse or
 * validate gets 400 with a JSON body, as the protocol says. Other requests pass on to the plain
 * GraphQL handler.
 */
public final class GraphQLSseHandler implements Handler<RoutingContext> {
  private final ApiGraphQL api;
  private final long keepAliveMillis;
  private final int maxStreamsPerClient;

  /** Open event streams of this instance by client address (issue 10, R6: one client held 400). */
  private final Map<String, Integer> streams = new ConcurrentHashMap<>();

  /**
   * @param maxStreamsPerClient event streams one client address may hold open on this instance; 0:
   *     no cap
   */
  public GraphQLSseHandler(ApiGraphQL api, long keepAliveMillis, int maxStreamsPerClient) {
    this.api = api;
    this.keepAliveMillis = keepAliveMillis;
    this.maxStreamsPerClient = maxStreamsPerClient;
  }

  /** Takes a stream slot of {@code client}; false when it holds the maximum already. */
  private boolean open(String client) {
    boolean[] taken = new boolean[1];
    streams.compute(
        client,
        (k, n) -> {
          int open = n == null ? 0 : n;
          taken[0] = open < maxStreamsPerClient;
          return taken[0] ? open + 1 : n;
        });
    return taken[0];
  }

  private void close(String client) {
    streams.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
  }

  static boolean wantsEventStream(RoutingContext rc) {
    String accept = rc.request().getHeader("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream");
  }

  @Override
  public void handle(RoutingContext rc) {
    if (!wantsEventStream(rc)) {
      rc.next();
      return;
    }
    if (maxStreamsPerClient > 0) {
      String client = ClientAddress.of(rc);
      if (!open(client)) {
        ErrorResponses.send(
            rc,
            429,
            ErrorCode.TOO_MANY_STREAMS,
            "At most "
                + maxStreamsPerClient
                + " event streams may be open per client; close one first");
        return;
      }
      // Called when the response ends or the connection closes, whichever comes first.
      rc.addEndHandler(v -> close(client));
    }
    JsonObject request;
    try {
      request = readRequest(rc);
    } catch (RuntimeException e) {
      ErrorResponses.send(
          rc,
          400,
          ErrorCode.BAD_REQUEST,
          e instanceof BadSseRequest ? e.getMessage() : "The request body is not valid JSON");
      return;
    }
    ExecutionInput.Builder builder =
        ExecutionInput.newExecutionInput().query(request.getString("query"));
    if (request.getString("operationName") != null) {
      builder.operationName(request.getString("operationName"));
    }
    if (request.getJsonObject("variables") != null) {
      builder.variables(request.getJsonObject("variables").getMap());
    }
    if (request.getJsonObject("extensions") != null) {
      builder.extensions(request.getJsonObject("extensions").getMap());
    }
    // As vertx-web-graphql does for plain requests: the guard reads the HTTP method from it.
    builder.graphQLContext(Map.of(RoutingContext.class, rc));
    api.prepare(
        builder, BearerAuthentication.of(rc), RequestContext.Transport.SSE, ClientAddress.of(rc));
    Context context = rc.vertx().getOrCreateContext();
    ExecutionInput input = builder.build();
    // Parsing, validation and the cost walk run on a worker, as for plain requests
    // (GraphQLHttpHandler).
    api.threads()
        .executor()
        .execute(
            () ->
                Future.fromCompletionStage(api.graphQL().executeAsync(input), context)
                    .onFailure(rc::fail)
                    .onSuccess(result -> respond(rc, context, result)));
  }

  private static JsonObject readRequest(RoutingContext rc) {
    JsonObject json;
    if (rc.request().method() == HttpMethod.GET) {
      json = new JsonObject();
      String query = rc.queryParams().get("query");
      json.put("query", query);
      json.put("operationName", rc.queryParams().get("operationName"));
      String variables = rc.queryParams().get("variables");
      if (variables != null) {
        json.put("variables", new JsonObject(variables));
      }
      String extensions = rc.queryParams().get("extensions");
      if (extensions != null) {
        json.put("extensions", new JsonObject(extensions));
      }
    } else if (rc.request().method() == HttpMethod.POST) {
      if (rc.body() == null || rc.body().length() == 0) {
        throw new BadSseRequest("The request has no body");
      }
      Object parsed = rc.body().asJsonObject();
      json = (JsonObject) parsed;
    } else {
      throw new BadSseRequest("Use GET or POST");
    }
    if (!(json.getValue("query") instanceof String q) || q.isBlank()) {
      throw new BadSseRequest("The request has no query");
    }
    Object op = json.getValue("operationName");
    Object vars = json.getValue("variables");
    Object ext = json.getValue("extensions");
    if ((op != null && !(op instanceof String))
        || (vars != null && !(vars instanceof JsonObject))
        || (ext != null && !(ext instanceof JsonObject))) {
      throw new BadSseRequest("operationName must be a string, variables and extensions objects");
    }
    return json;
  }

  private void respond(RoutingContext rc, Context context, ExecutionResult result) {
    HttpServerResponse response = rc.response();
    if (response.closed()) {
      return;
    }
    Object data = result.getData();
    if (!(data instanceof Publisher) && !result.isDataPresent()) {
      // Parse, validation or limit errors: the operation never started (a status set by a check,
      // like 405, stays;
      // a rate-limit refusal is 429 with Retry-After).
      AnswerStatus status = AnswerStatus.of(result, null);
      if (status.code() == 429) {
        response.putHeader("Retry-After", Long.toString(status.retryAfterSeconds()));
      }
      int code =
          status.code() == 429
              ? 429
              : response.getStatusCode() >= 400 ? response.getStatusCode() : 400;
      response
          .setStatusCode(code)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject(result.toSpecification()).encode());
      return;
    }
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(":\n\n");
    if (data instanceof Publisher<?> publisher) {
      @SuppressWarnings("unchecked")
      Publisher<ExecutionResult> results = (Publisher<ExecutionResult>) publisher;
      results.subscribe(new StreamSubscriber(rc.vertx(), context, response, keepAliveMillis));
    } else {
      writeNext(response, result);
      writeComplete(response);
    }
  }

  static void writeNext(HttpServerResponse response, ExecutionResult result) {
    response.write(
        "event: next\ndata: " + new JsonObject(result.toSpecification()).encode() + "\n\n");
  }

  static void writeComplete(HttpServerResponse response) {
    if (!response.ended() && !response.closed()) {
      response.end("event: complete\ndata:\n\n");
    }
  }

  /** A request this handler refuses, with a message safe to show. */
  private static final class BadSseRequest extends RuntimeException {
    BadSseRequest(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Writes each result as an event, with demand driven by the socket (one in flight) and keep-alive
   * comments.
   */
  private static final class StreamSubscriber implements Subscriber<ExecutionResult> {
    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse response;
    private final long keepAliveMillis;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Subscription subscription;
    private long keepAlive = -1;

    StreamSubscriber(
        Vertx vertx, Context context, HttpServerResponse response, long keepAliveMillis) {
      this.vertx = vertx;
      this.context = context;
      this.response = response;
      this.keepAliveMillis = keepAliveMillis;
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      context.runOnContext(
          v -> {
            response.closeHandler(x -> finish());
            keepAlive =
                vertx.setPeriodic(
                    keepAliveMillis,
                    id -> {
                      if (!response.closed() && !response.ended()) {
                        response.write(":\n\n");
                      }
                    });
            if (response.closed()) {
              finish();
            } else {
              s.request(1);
            }
          });
    }

    @Override
    public void onNext(ExecutionResult result) {
      context.runOnContext(
          v -> {
            if (done.get() || response.closed()) {
              return;
            }
            writeNext(response, result);
            if (response.writeQueueFull()) {
              response.drainHandler(x -> subscription.request(1));
            } else {
              subscription.request(1);
            }
          });
    }

    @Override
    public void onError(Throwable t) {
      context.runOnContext(
          v -> {
            if (!done.get() && !response.closed()) {
              JsonObject error =
                  new JsonObject()
                      .put("message", "The subscription failed")
                      .put(
                          "extensions",
                          new JsonObject().put("code", ErrorCode.INTERNAL_SERVER_ERROR.name()));
              response.write(
                  "event: next\ndata: "
                      + new JsonObject().put("errors", new JsonArray().add(error)).encode()
                      + "\n\n");
            }
            complete();
          });
    }

    @Override
    public void onComplete() {
      context.runOnContext(v -> complete());
    }

    private void complete() {
      if (done.compareAndSet(false, true)) {
        vertx.cancelTimer(keepAlive);
        writeComplete(response);
      }
    }

    private void finish() {
      if (done.compareAndSet(false, true)) {
        vertx.cancelTimer(keepAlive);
        Subscription s = subscription;
        if (s != null) {
          s.cancel();
        }
      }
    }
  }
}
