package dev.killboard.api.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Makes vertx-web-graphql's graphql-transport-ws handler close a socket with 4400 (the protocol's
 * code for a message it cannot read) when a frame is not a JSON object or has a malformed field.
 * The library decodes frames inside its message handler, so a malformed one threw out of it: an
 * ERROR with a stack trace per frame and the socket left open (issue 10, D9). The library takes the
 * socket from {@code rc.request().toWebSocket()}, so the guard hands it a RoutingContext whose
 * request upgrades to a socket whose message handlers catch those failures; everything else is
 * passed through unchanged.
 */
public final class WebSocketFrameGuard {
  /** graphql-transport-ws: "Invalid message received". */
  static final short INVALID_MESSAGE = 4400;

  private WebSocketFrameGuard() {}

  /** {@code graphqlWs}, with malformed frames closing the socket. */
  public static Handler<RoutingContext> around(Handler<RoutingContext> graphqlWs) {
    return rc -> {
      if (!rc.request().canUpgradeToWebSocket()) {
        rc.next();
        return;
      }
      graphqlWs.handle(
          wrap(
              RoutingContext.class,
              rc,
              (real, method, args) ->
                  method.getName().equals("request") && method.getParameterCount() == 0
                      ? guardRequest(rc.request())
                      : PASS));
    };
  }

  private static HttpServerRequest guardRequest(HttpServerRequest request) {
    return wrap(
        HttpServerRequest.class,
        request,
        (real, method, args) ->
            method.getName().equals("toWebSocket") && method.getParameterCount() == 0
                ? request.toWebSocket().map(WebSocketFrameGuard::guardSocket)
                : PASS);
  }

  private static ServerWebSocket guardSocket(ServerWebSocket socket) {
    ServerWebSocket[] self = new ServerWebSocket[1];
    self[0] =
        wrap(
            ServerWebSocket.class,
            socket,
            (real, method, args) -> {
              if (method.getName().equals("textMessageHandler")
                  && args != null
                  && args[0] instanceof Handler<?> h) {
                @SuppressWarnings("unchecked")
                Handler<String> text = (Handler<String>) h;
                socket.textMessageHandler(
                    message -> readOrClose(socket, () -> text.handle(message)));
                return self[0];
              }
              if (method.getName().equals("binaryMessageHandler")
                  && args != null
                  && args[0] instanceof Handler<?> h) {
                @SuppressWarnings("unchecked")
                Handler<Buffer> binary = (Handler<Buffer>) h;
                socket.binaryMessageHandler(
                    message -> readOrClose(socket, () -> binary.handle(message)));
                return self[0];
              }
              return PASS;
            });
    return self[0];
  }

  private static void readOrClose(ServerWebSocket socket, Runnable handle) {
    try {
      handle.run();
    } catch (io.vertx.core.json.DecodeException | ClassCastException | IllegalArgumentException e) {
      // Not JSON, not an object, or a field of the wrong type: the client's fault, nothing to log.
      if (!socket.isClosed()) {
        socket.close(INVALID_MESSAGE, "Invalid message received");
      }
    }
  }

  /** What an interception answers to let the call through to the real object. */
  private static final Object PASS = new Object();

  /**
   * One intercepted call: the real object, the method and its arguments; {@link #PASS} to forward
   * it.
   */
  private interface Interception {
    Object apply(Object real, Method method, Object[] args) throws Exception;
  }

  private static <T> T wrap(Class<T> type, T real, Interception interception) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          Object intercepted = interception.apply(real, method, args);
          if (intercepted != PASS) {
            return intercepted;
          }
          try {
            Object result = method.invoke(real, args);
            // Fluent methods answer the wrapper, so that chained calls stay guarded.
            return result == real ? proxy : result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
