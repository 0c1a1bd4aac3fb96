package dev.killboard.api.http;

import dev.killboard.api.errors.ErrorCode;
import dev.killboard.api.graphql.ApiGraphQL;
import dev.killboard.api.graphql.RequestContext;
import dev.killboard.api.graphql.RequestDeadline;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Plain GraphQL over HTTP ({@code GET ?query=…}, {@code POST} JSON or {@code application/graphql}),
 * executed and encoded on the {@link dev.killboard.api.graphql.ExecutionThreads worker threads}:
 * the event loop only reads the request and writes the encoded answer (vertx-web-graphql's handler
 * ran both on the loop). The request's time limit is checked when a worker picks the request up,
 * while it runs (RequestDeadline) and before encoding (AnswerBounds). The status follows {@link
 * AnswerStatus}.
 */
public final class GraphQLHttpHandler implements Handler<RoutingContext> {
  private final ApiGraphQL api;
  private final long requestTimeoutMillis;

  public GraphQLHttpHandler(ApiGraphQL api, long requestTimeoutMillis) {
    this.api = api;
    this.requestTimeoutMillis = requestTimeoutMillis;
  }

  @Override
  public void handle(RoutingContext rc) {
    JsonObject request;
    try {
      request = read(rc);
    } catch (Refusal r) {
      if (r.status == 415) {
        rc.fail(415);
      } else {
        ErrorResponses.send(rc, r.status, ErrorCode.BAD_REQUEST, r.getMessage());
      }
      return;
    } catch (RuntimeException e) {
      ErrorResponses.send(
          rc, 400, ErrorCode.BAD_REQUEST, "variables and extensions must be JSON objects");
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
    builder.graphQLContext(Map.of(RoutingContext.class, rc));
    RequestContext.Transport transport =
        rc.request().method() == HttpMethod.GET
            ? RequestContext.Transport.HTTP_GET
            : RequestContext.Transport.HTTP_POST;
    RequestDeadline deadline = RequestDeadline.start(rc, requestTimeoutMillis);
    api.prepare(builder, BearerAuthentication.of(rc), transport, ClientAddress.of(rc), deadline);
    ExecutionInput input = builder.build();
    Context context = rc.vertx().getOrCreateContext();
    api.threads()
        .executor()
        .execute(
            () -> {
              CompletableFuture<ExecutionResult> result;
              if (deadline.passed()) {
                // Waited for a worker past its time: not worth starting.
                result =
                    CompletableFuture.completedFuture(
                        ExecutionResultImpl.newExecutionResult()
                            .addError(deadline.timeoutError())
                            .build());
              } else {
                try {
                  result = api.graphQL().executeAsync(input);
                } catch (RuntimeException e) {
                  result = CompletableFuture.failedFuture(e);
                }
              }
              result.whenComplete(
                  (r, e) -> api.threads().executor().execute(() -> encode(rc, context, r, e)));
            });
  }

  /** Encodes on the worker and answers on the request's event loop. */
  private static void encode(
      RoutingContext rc, Context context, ExecutionResult result, Throwable failure) {
    if (failure != null) {
      Throwable cause =
          failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure;
      context.runOnContext(v -> rc.fail(cause));
      return;
    }
    Buffer body;
    AnswerStatus status;
    try {
      status = AnswerStatus.of(result, rc.request().getHeader("Accept"));
      body = Json.encodeToBuffer(result.toSpecification());
    } catch (RuntimeException e) {
      context.runOnContext(v -> rc.fail(e));
      return;
    }
    context.runOnContext(
        v -> {
          if (rc.response().ended() || rc.response().closed()) {
            return;
          }
          if (status.code() != 200 || rc.response().getStatusCode() == 200) {
            rc.response().setStatusCode(status.code());
          }
          if (status.retryAfterSeconds() > 0) {
            rc.response().putHeader("Retry-After", Long.toString(status.retryAfterSeconds()));
          }
          rc.response().putHeader("Content-Type", status.contentType()).end(body);
        });
  }

  /**
   * The operation of a GET (query parameters) or POST (JSON body, application/graphql body or query
   * parameter).
   */
  private static JsonObject read(RoutingContext rc) {
    HttpMethod method = rc.request().method();
    JsonObject json = new JsonObject();
    if (method == HttpMethod.POST && !rc.queryParams().contains("query")) {
      String type = rc.request().getHeader("Content-Type");
      String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
      if (lower.isBlank() || lower.startsWith("application/json")) {
        // ApiRouter.requireJsonBody has checked the body's shape.
        json = rc.body().asJsonObject();
      } else if (lower.startsWith("application/graphql")) {
        json.put("query", rc.body() == null ? null : rc.body().asString());
      } else {
        throw new Refusal(415, "Unsupported content type: send application/json");
      }
    } else if (method == HttpMethod.GET || method == HttpMethod.POST) {
      json.put("query", rc.queryParams().get("query"));
      json.put("operationName", rc.queryParams().get("operationName"));
      String variables = rc.queryParams().get("variables");
      if (variables != null) {
        json.put("variables", new JsonObject(variables));
      }
      String extensions = rc.queryParams().get("extensions");
      if (extensions != null) {
        json.put("extensions", new JsonObject(extensions));
      }
    } else {
      throw new Refusal(405, "Method not allowed: use GET or POST");
    }
    if (!(json.getValue("query") instanceof String q) || q.isBlank()) {
      throw new Refusal(400, "The request has no query");
    }
    return json;
  }

  /** A request refused before execution, with its status and a message safe to show. */
  private static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
