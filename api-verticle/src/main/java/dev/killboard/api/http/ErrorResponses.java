package dev.killboard.api.http;

import dev.killboard.api.errors.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's failure handler: every failed request gets a GraphQL-shaped JSON body ({@code
 * {"errors":[{"message", "extensions":{"code"}}]}}) with its status. Messages are chosen here,
 * never copied from exceptions, so no stack trace or internal detail can leak; unexpected failures
 * are logged under an id.
 */
public final class ErrorResponses implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  @Override
  public void handle(RoutingContext rc) {
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    int status = rc.statusCode() < 0 ? 500 : rc.statusCode();
    Throwable failure = rc.failure();
    ErrorCode code;
    String message;
    switch (status) {
      case 400 -> {
        code = ErrorCode.BAD_REQUEST;
        message =
            failure instanceof DecodeException
                    || (failure != null && failure.getCause() instanceof DecodeException)
                ? "The request body is not valid JSON"
                : badRequestMessage(failure);
      }
      case 401 -> {
        code = ErrorCode.UNAUTHENTICATED;
        message = "Not authenticated";
      }
      case 403 -> {
        code = ErrorCode.FORBIDDEN;
        message = "Forbidden";
      }
      case 404 -> {
        code = ErrorCode.NOT_FOUND;
        message = "Not found";
      }
      case 405 -> {
        code = ErrorCode.BAD_REQUEST;
        message = "Method not allowed: use GET or POST";
      }
      case 413 -> {
        code = ErrorCode.PAYLOAD_TOO_LARGE;
        message = "The request body is too large";
      }
      case 415 -> {
        code = ErrorCode.BAD_REQUEST;
        message = "Unsupported content type: send application/json";
      }
      case 503 -> {
        code = ErrorCode.TIMEOUT;
        message = "The request took too long";
      }
      default -> {
        if (status >= 400 && status < 500) {
          code = ErrorCode.BAD_REQUEST;
          message = "Bad request";
        } else {
          String id = UUID.randomUUID().toString();
          LOG.error(
              "Request {} {} failed (error id {})",
              rc.request().method(),
              rc.request().path(),
              id,
              failure);
          status = 500;
          code = ErrorCode.INTERNAL_SERVER_ERROR;
          message = "Internal error (id " + id + ")";
        }
      }
    }
    send(rc, status, code, message);
  }

  private static String badRequestMessage(Throwable failure) {
    String m = failure == null ? null : failure.getMessage();
    // Only vert.x-web-graphql's own fixed messages are passed on; anything else could carry input
    // or internals.
    if ("Query is missing".equals(m)) {
      return "The request has no query";
    }
    if ("No body".equals(m)) {
      return "The request has no body";
    }
    if (failure instanceof ClassCastException
        || failure instanceof IllegalStateException
        || failure instanceof IllegalArgumentException) {
      return "The request is not a GraphQL request: expected {\"query\": string, \"variables\"?: object, \"operationName\"?: string}";
    }
    return "Bad request";
  }

  /** Sends an error body (also used by handlers that refuse a request themselves). */
  public static void send(RoutingContext rc, int status, ErrorCode code, String message) {
    JsonObject error =
        new JsonObject()
            .put("message", message)
            .put("extensions", new JsonObject().put("code", code.name()));
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("errors", new JsonArray().add(error)).encode());
  }
}
