package dev.killboard.api.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A graphql-transport-ws client for tests: each text message the API sends is queued as JSON. */
public final class GraphQLWebSocket implements AutoCloseable {
  private final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();

  /** Completes with the status code when the server closes the socket. */
  public final CompletableFuture<Integer> closedWith = new CompletableFuture<>();

  private final WebSocket socket;

  private GraphQLWebSocket(ApiHarness api, int port) throws Exception {
    socket =
        api.http()
            .newWebSocketBuilder()
            .subprotocols("graphql-transport-ws")
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/graphql"),
                new WebSocket.Listener() {
                  final StringBuilder partial = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      messages.add(new JsonObject(partial.toString()));
                      partial.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                    closedWith.complete(statusCode);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
  }

  /** Opens a socket to the API's /graphql. */
  public static GraphQLWebSocket open(ApiHarness api) throws Exception {
    return new GraphQLWebSocket(api, api.port);
  }

  /** Opens a socket to the /graphql of the API instance on {@code port} (a variant). */
  public static GraphQLWebSocket open(ApiHarness api, int port) throws Exception {
    return new GraphQLWebSocket(api, port);
  }

  /** The sub-protocol the server chose. */
  public String subprotocol() {
    return socket.getSubprotocol();
  }

  /** Sends one protocol message. */
  public void send(JsonObject message) throws Exception {
    socket.sendText(message.encode(), true).get(10, TimeUnit.SECONDS);
  }

  /** Sends a text frame as it is (for malformed messages). */
  public void sendRaw(String text) throws Exception {
    socket.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** The next message, or null when none came within the time. */
  public JsonObject poll(long timeout, TimeUnit unit) throws InterruptedException {
    return messages.poll(timeout, unit);
  }

  @Override
  public void close() throws Exception {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }
}
