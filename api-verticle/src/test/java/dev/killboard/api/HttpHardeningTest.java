package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.GraphQLWebSocket;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 10's HTTP-level defects: GET mutations (405, also as graphql-sse), oversized request lines
 * and headers (414 / 431 with a body), half-sent requests (closed after the header timeout),
 * security headers and {@code Vary: Origin}, readable validation messages, empty persisted-query
 * requests, refused introspection.
 */
@ClusterTest
class HttpHardeningTest {
  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private static String code(String body) {
    return new JsonObject(body)
        .getJsonArray("errors")
        .getJsonObject(0)
        .getJsonObject("extensions")
        .getString("code");
  }

  @Test
  void mutationsSentWithGetAre405WhateverTheAccept() {
    String m = URLEncoder.encode("mutation { login { url } }", StandardCharsets.UTF_8);
    for (String accept :
        new String[] {
          "application/json", "application/graphql-response+json", "text/event-stream"
        }) {
      HttpResponse<String> r =
          api.send(
              HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphql?query=" + m))
                  .header("Accept", accept)
                  .GET()
                  .build());
      assertThat(r.statusCode()).as(accept).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).as(accept).hasValue("POST");
      assertThat(new JsonObject(r.body()).getValue("data")).as(accept).isNull();
      assertThat(code(r.body())).as(accept).isEqualTo("BAD_REQUEST");
    }
    // Queries over GET still work, as a stream too.
    String q = URLEncoder.encode("{ region(id: 10000002) { name } }", StandardCharsets.UTF_8);
    HttpResponse<String> sse =
        api.send(
            HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphql?query=" + q))
                .header("Accept", "text/event-stream")
                .GET()
                .build());
    assertThat(sse.statusCode()).isEqualTo(200);
    assertThat(sse.body()).contains("The Forge");
  }

  @Test
  void answersCarrySecurityHeadersAndVaryOrigin() {
    HttpResponse<String> r =
        api.send(
            HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphql"))
                .header("Content-Type", "application/json")
                .header("Origin", "http://frontend.test:3000")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"query\":\"{ region(id: 10000002) { name } }\"}"))
                .build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValue("frame-ancestors 'none'");
    assertThat(r.headers().allValues("Vary")).anyMatch(v -> v.contains("Origin"));
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("http://frontend.test:3000");
    // GraphiQL is a page to open: no frame or script policy of ours on it, but no sniffing either.
    HttpResponse<String> graphiql =
        api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphiql/")).GET().build());
    assertThat(graphiql.statusCode()).isEqualTo(200);
    assertThat(graphiql.headers().firstValue("Content-Security-Policy")).isEmpty();
    assertThat(graphiql.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  void validationMessagesShowValuesAsWritten() {
    JsonObject r =
        api.graphql(
            "{ killmails(filter: {limit: \"many\"}) { pageInfo { totalCount } } }", null, null);
    String message = r.getJsonArray("errors").getJsonObject(0).getString("message");
    assertThat(message).contains("'many'").doesNotContain("StringValue{").doesNotContain("{value=");
  }

  @Test
  void anEmptyQueryWithAPersistedQueryExtensionIsRefusedPlainly() {
    String body =
        "{\"query\":\"\",\"extensions\":{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"abc\"}}}";
    HttpResponse<String> r = api.post(body, null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).doesNotContain("PersistedQueryMarker");
    assertThat(code(r.body())).isEqualTo("BAD_REQUEST");
    HttpResponse<String> get =
        api.send(
            HttpRequest.newBuilder(
                    URI.create(
                        api.baseUrl()
                            + "/graphql?query=&extensions="
                            + URLEncoder.encode(
                                "{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"abc\"}}",
                                StandardCharsets.UTF_8)))
                .GET()
                .build());
    assertThat(get.statusCode()).isEqualTo(400);
    assertThat(get.body()).doesNotContain("PersistedQueryMarker");
  }

  @Test
  void badFaithIntrospectionIsAClientError() {
    JsonObject r =
        api.graphql(
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
            null,
            null);
    assertThat(r.getJsonArray("errors")).as(r.encode()).isNotEmpty();
    String code =
        r.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code");
    assertThat(code).isEqualTo("QUERY_TOO_COMPLEX");
  }

  @Test
  void oversizedRequestLinesAndHeadersGetABody() throws Exception {
    String longLine = "GET /graphql?query=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    String answer = exchange(api.port, longLine);
    // HTTP/1.0 or 1.1: the version of a request line that could not be read is unknown.
    assertThat(answer).matches("(?s)HTTP/1\\.[01] 414 .*");
    assertThat(answer).contains("\"code\":\"BAD_REQUEST\"").contains("too long");

    String bigHeader =
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n";
    String headerAnswer = exchange(api.port, bigHeader);
    assertThat(headerAnswer).matches("(?s)HTTP/1\\.[01] 431 .*");
    assertThat(headerAnswer).contains("\"code\":\"BAD_REQUEST\"").contains("too large");
  }

  @Test
  void aHalfSentRequestIsClosedAfterTheHeaderTimeout() throws Exception {
    try (ApiHarness.Variant variant =
        api.deployVariant(Map.of("KILLBOARD_HTTP_HEADER_TIMEOUT_MS", "500"))) {
      try (Socket slow = new Socket("127.0.0.1", variant.port)) {
        slow.setSoTimeout(10_000);
        OutputStream out = slow.getOutputStream();
        out.write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long start = System.nanoTime();
        // The server closes the connection: read() sees the end of the stream (a
        // SocketTimeoutException would fail).
        assertThat(slow.getInputStream().read()).isEqualTo(-1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("half-sent request closed after %d ms%n", millis);
        assertThat(millis).isGreaterThanOrEqualTo(400);
      }
      // A whole request on a new connection is answered.
      assertThat(
              exchange(
                  variant.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void malformedWebSocketFramesCloseTheSocketWith4400WithoutAnError() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try {
      for (String frame : new String[] {"not json", "[1, 2]", "{\"type\": 42}"}) {
        try (GraphQLWebSocket ws = GraphQLWebSocket.open(api)) {
          ws.sendRaw(frame);
          assertThat(ws.closedWith.get(10, TimeUnit.SECONDS)).as(frame).isEqualTo(4400);
        } catch (ExecutionException | java.io.IOException alreadyClosed) {
          // close() after the server closed: nothing to do.
        }
      }
      // A well-formed session still works; a persisted-query operation without a query is refused
      // plainly.
      try (GraphQLWebSocket ws = GraphQLWebSocket.open(api)) {
        ws.send(new JsonObject().put("type", "connection_init"));
        assertThat(ws.poll(10, TimeUnit.SECONDS).getString("type")).isEqualTo("connection_ack");
        ws.send(
            new JsonObject()
                .put("id", "p")
                .put("type", "subscribe")
                .put(
                    "payload",
                    new JsonObject()
                        .put(
                            "extensions",
                            new JsonObject()
                                .put(
                                    "persistedQuery",
                                    new JsonObject().put("version", 1).put("sha256Hash", "abc")))));
        JsonObject answer = ws.poll(10, TimeUnit.SECONDS);
        assertThat(answer).as("an answer for the persisted query").isNotNull();
        assertThat(answer.encode()).doesNotContain("PersistedQueryMarker").contains("no query");
      }
      assertThat(logged.list).noneMatch(e -> e.getLevel() == Level.ERROR);
    } finally {
      root.detachAppender(logged);
    }
  }

  /** Sends raw bytes and reads the answer until the server closes the connection. */
  private static String exchange(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) > 0; ) {
        got.write(buffer, 0, n);
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }
}
