package dev.killboard.management;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium with one page, driven over the DevTools protocol (the JDK's WebSocket
 * client): navigate, wait for DOM text, take a screenshot.
 */
final class DevToolsPage implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> calls = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<JsonObject>> events = new ConcurrentHashMap<>();

  DevToolsPage() throws Exception {
    profile = Files.createTempDirectory("killboard-chromium-");
    process =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--window-size=1100,900",
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String browserUrl = devToolsUrl();
    int port = URI.create(browserUrl).getPort();
    HttpClient http = HttpClient.newHttpClient();
    JsonArray targets =
        new JsonArray(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String pageUrl = null;
    for (int i = 0; i < targets.size(); i++) {
      JsonObject t = targets.getJsonObject(i);
      if ("page".equals(t.getString("type"))) {
        pageUrl = t.getString("webSocketDebuggerUrl");
      }
    }
    if (pageUrl == null) {
      throw new IllegalStateException("Chromium lists no page target: " + targets.encode());
    }
    socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(pageUrl), new Listener())
            .get(30, TimeUnit.SECONDS);
    call("Page.enable", new JsonObject());
  }

  /** Chromium prints "DevTools listening on ws://…" on stderr once its endpoint is up. */
  private String devToolsUrl() throws IOException {
    BufferedReader err =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    String line;
    while ((line = err.readLine()) != null) {
      int at = line.indexOf("ws://");
      if (line.startsWith("DevTools listening on") && at >= 0) {
        Thread drain = new Thread(() -> err.lines().forEach(l -> {}), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return line.substring(at).trim();
      }
      seen.add(line);
    }
    throw new IllegalStateException(
        "Chromium exited without a DevTools endpoint: " + String.join("\n", seen));
  }

  /** Opens {@code url} and returns once its load event has fired. */
  void open(String url) throws Exception {
    CompletableFuture<JsonObject> loaded = new CompletableFuture<>();
    events.put("Page.loadEventFired", loaded);
    call("Page.navigate", new JsonObject().put("url", url));
    loaded.get(30, TimeUnit.SECONDS);
  }

  /**
   * The text of the first element matching {@code selector} once it equals {@code expected} (a
   * MutationObserver in the page resolves as the DOM changes), or whatever it is after {@code
   * timeoutMs} (null when there is no such element).
   */
  String awaitText(String selector, String expected, long timeoutMs) throws Exception {
    String sel = new JsonArray().add(selector).encode();
    String exp = new JsonArray().add(expected).encode();
    String js =
        "new Promise(resolve => {"
            + " const sel = "
            + sel
            + "[0], want = "
            + exp
            + "[0];"
            + " const text = () => { const e = document.querySelector(sel); return e ? e.textContent.trim() : null; };"
            + " if (text() === want) { resolve(want); return; }"
            + " const obs = new MutationObserver(() => { if (text() === want) { obs.disconnect(); resolve(want); } });"
            + " obs.observe(document.documentElement, {subtree: true, childList: true, characterData: true});"
            + " setTimeout(() => { obs.disconnect(); resolve(text()); }, "
            + timeoutMs
            + ");"
            + "})";
    JsonObject result =
        call(
                "Runtime.evaluate",
                new JsonObject()
                    .put("expression", js)
                    .put("awaitPromise", true)
                    .put("returnByValue", true))
            .getJsonObject("result");
    return (String) result.getValue("value");
  }

  /** A PNG of the page as shown. */
  byte[] screenshot() throws Exception {
    String data =
        call("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
    return Base64.getDecoder().decode(data);
  }

  private JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    calls.put(id, answer);
    socket
        .sendText(
            new JsonObject().put("id", id).put("method", method).put("params", params).encode(),
            true)
        .get(10, TimeUnit.SECONDS);
    JsonObject reply = answer.get(60, TimeUnit.SECONDS);
    if (reply.containsKey("error")) {
      throw new IllegalStateException(method + " failed: " + reply.getJsonObject("error").encode());
    }
    return reply.getJsonObject("result");
  }

  @Override
  public void close() throws Exception {
    try {
      if (socket != null) {
        socket.abort();
      }
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder frame = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      frame.append(data);
      if (last) {
        JsonObject message = new JsonObject(frame.toString());
        frame.setLength(0);
        if (message.containsKey("id")) {
          CompletableFuture<JsonObject> answer = calls.remove(message.getInteger("id"));
          if (answer != null) {
            answer.complete(message);
          }
        } else {
          CompletableFuture<JsonObject> waiter = events.remove(message.getString("method", ""));
          if (waiter != null) {
            waiter.complete(message.getJsonObject("params"));
          }
        }
      }
      ws.request(1);
      return null;
    }
  }
}
