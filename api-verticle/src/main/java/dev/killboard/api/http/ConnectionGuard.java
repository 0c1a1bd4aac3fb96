package dev.killboard.api.http;

import dev.killboard.api.errors.ErrorCode;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP server's own defences, below the router: a connection that has not sent its first
 * request's headers within the header timeout is closed (slowloris: half-sent requests held sockets
 * for over a minute, issue 10), and requests the HTTP decoder refuses (request line or headers too
 * long, malformed) get a GraphQL-shaped body with their 414 / 431 / 400 instead of an empty one.
 * One per server instance, used on its event loop only.
 */
public final class ConnectionGuard {
  private final Vertx vertx;
  private final long headerTimeoutMillis;

  /** Connections still waiting for their first request, with their timer. */
  private final Map<HttpConnection, Long> waiting = new HashMap<>();

  public ConnectionGuard(Vertx vertx, long headerTimeoutMillis) {
    this.vertx = vertx;
    this.headerTimeoutMillis = headerTimeoutMillis;
  }

  /** For {@code HttpServer.connectionHandler}: starts the header timer. */
  public void connected(HttpConnection connection) {
    long timer =
        vertx.setTimer(
            headerTimeoutMillis,
            id -> {
              if (waiting.remove(connection) != null) {
                connection.close();
              }
            });
    waiting.put(connection, timer);
    connection.closeHandler(
        v -> {
          Long pending = waiting.remove(connection);
          if (pending != null) {
            vertx.cancelTimer(pending);
          }
        });
  }

  /**
   * Wraps the server's request handler: a request's headers arrived, so its connection is no longer
   * suspect.
   */
  public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return request -> {
      Long pending = waiting.remove(request.connection());
      if (pending != null) {
        vertx.cancelTimer(pending);
      }
      next.handle(request);
    };
  }

  /**
   * For {@code HttpServer.invalidRequestHandler}: the status Vert.x would answer, with a body
   * saying why.
   */
  public void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String message = "The HTTP request is malformed";
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "The request line (URL) is too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "The request headers are too large";
    }
    JsonObject error =
        new JsonObject()
            .put("message", message)
            .put("extensions", new JsonObject().put("code", ErrorCode.BAD_REQUEST.name()));
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("errors", new JsonArray().add(error)).encode())
        .onComplete(v -> request.connection().close());
  }
}
