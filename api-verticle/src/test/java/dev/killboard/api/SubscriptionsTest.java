package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.GraphQLWebSocket;
import dev.killboard.api.support.Operations;
import dev.killboard.api.support.Seed;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.contracts.NewKillmail;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * newKillmail published on another clustered node reaches SSE (graphql-sse) and WebSocket
 * (graphql-transport-ws) subscribers.
 */
@ClusterTest
class SubscriptionsTest {
  static ApiHarness api;
  static Vertx otherNode;

  @BeforeAll
  static void start() throws Exception {
    api = ApiHarness.get();
    otherNode = ClusteredVertx.start(api.cluster, new VertxOptions()).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (otherNode != null) {
      otherNode.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Opens a graphql-sse stream; lines arrive in the returned queue. */
  private BlockingQueue<String> sse(
      String query, String operationName, List<CompletableFuture<?>> open) {
    return sse(api.baseUrl(), query, operationName, open);
  }

  private static BlockingQueue<String> sse(
      String baseUrl, String query, String operationName, List<CompletableFuture<?>> open) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    JsonObject body = new JsonObject().put("query", query);
    if (operationName != null) {
      body.put("operationName", operationName);
    }
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(baseUrl + "/graphql"))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .header("Authorization", "")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build();
    CompletableFuture<HttpResponse<Stream<String>>> f =
        api.http().sendAsync(req, HttpResponse.BodyHandlers.ofLines());
    CompletableFuture<?> reading =
        f.thenAcceptAsync(
            r -> {
              lines.add("status: " + r.statusCode());
              r.body().forEach(lines::add);
              lines.add("<closed>");
            });
    open.add(reading);
    return lines;
  }

  /** The data of the next `event: next` on a stream. */
  private static JsonObject nextEvent(BlockingQueue<String> lines, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean inNext = false;
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line == null) {
        continue;
      }
      if (line.equals("event: next")) {
        inNext = true;
      } else if (inNext && line.startsWith("data: ")) {
        return new JsonObject(line.substring(6));
      }
    }
    return null;
  }

  @Test
  void newKillmailFromAnotherNodeReachesSseAndWebSocket() throws Exception {
    List<CompletableFuture<?>> open = new ArrayList<>();
    BlockingQueue<String> sse =
        sse(Operations.load("graphql__subscriptions__NewKillmail.graphql"), "NewKillmail", open);
    assertThat(sse.poll(10, TimeUnit.SECONDS)).isEqualTo("status: 200");

    GraphQLWebSocket ws = GraphQLWebSocket.open(api);
    assertThat(ws.subprotocol()).isEqualTo("graphql-transport-ws");
    ws.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject()));
    assertThat(ws.poll(10, TimeUnit.SECONDS).getString("type")).isEqualTo("connection_ack");
    ws.send(
        new JsonObject()
            .put("id", "1")
            .put("type", "subscribe")
            .put(
                "payload",
                new JsonObject()
                    .put("query", Operations.load("graphql__NewKillmail.graphql"))
                    .put("operationName", "OnNewKillmail")));

    // A killmail stored after the subscriptions began, announced by a "worker" on the other node.
    Seed.Killmail fresh =
        new Seed.Killmail(
            2000001,
            "0123456789abcdef0123456789abcdef01234567",
            Instant.parse("2025-06-01T12:00:00Z"),
            30000142,
            90000002,
            98000002,
            99000002,
            621,
            4242,
            123456789.5,
            List.of(new Seed.Attacker(90000001, 98000001, 99000001, 587, 2889, 4242, true, 5.0)),
            List.of(new Seed.Item(2889, 27, 1L, null, null)));
    try (Connection c = api.appConnection()) {
      Seed.insertKillmails(c, List.of(fresh));
    }
    JsonObject sseData = null;
    JsonObject wsMessage = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    // Registrations propagate through the cluster asynchronously: announce until both streams have
    // it.
    while ((sseData == null || wsMessage == null) && System.nanoTime() < deadline) {
      otherNode.eventBus().publish(NewKillmail.ADDRESS, new NewKillmail(fresh.id()).toJson());
      if (sseData == null) {
        sseData = nextEvent(sse, Duration.ofMillis(300));
      }
      if (wsMessage == null) {
        JsonObject m = ws.poll(300, TimeUnit.MILLISECONDS);
        if (m != null && "next".equals(m.getString("type"))) {
          wsMessage = m;
        }
      }
    }
    assertThat(sseData).as("SSE event").isNotNull();
    JsonObject viaSse = sseData.getJsonObject("data").getJsonObject("newKillmail");
    assertThat(viaSse.getInteger("killmailId")).isEqualTo(fresh.id());
    assertThat(viaSse.getJsonObject("solarSystem").getString("name")).isEqualTo("Jita");
    assertThat(
            viaSse
                .getJsonObject("solarSystem")
                .getJsonObject("constellation")
                .getJsonObject("region")
                .getString("name"))
        .isEqualTo("The Forge");
    assertThat(viaSse.getJsonObject("victim").getJsonObject("character").getString("name"))
        .isEqualTo("Bob Bravo");
    assertThat(
            viaSse
                .getJsonArray("attackers")
                .getJsonObject(0)
                .getJsonObject("character")
                .getString("name"))
        .isEqualTo("Alice Alpha");

    assertThat(wsMessage).as("WebSocket event").isNotNull();
    assertThat(wsMessage.getString("id")).isEqualTo("1");
    JsonObject viaWs =
        wsMessage.getJsonObject("payload").getJsonObject("data").getJsonObject("newKillmail");
    assertThat(viaWs.getString("killmailHash")).isEqualTo(fresh.hash());
    assertThat(viaWs.getDouble("totalValue")).isEqualTo(fresh.totalValue());
    assertThat(viaWs.getJsonObject("victim").getString("characterName")).isEqualTo("Bob Bravo");
    assertThat(viaWs.getJsonObject("victim").getString("shipTypeName")).isEqualTo("Caracal");
    assertThat(viaWs.getJsonArray("attackers").getJsonObject(0).getString("weaponTypeName"))
        .isEqualTo("200mm AutoCannon II");
    assertThat(viaWs.getJsonArray("items").getJsonObject(0).getString("itemTypeName"))
        .isEqualTo("200mm AutoCannon II");

    ws.close();
    open.forEach(f -> f.cancel(true));
    try (Connection c = api.appConnection()) {
      c.createStatement().execute("DELETE FROM killmails WHERE killmail_id = " + fresh.id());
    }
  }

  @Test
  void idleSseStreamsGetKeepAliveCommentsAndStayOpen() throws Exception {
    List<CompletableFuture<?>> open = new ArrayList<>();
    try (ApiHarness.Variant variant =
        api.deployVariant(Map.of("KILLBOARD_SSE_KEEPALIVE_MS", "1000"))) {
      // No killmail is published: the only traffic on this stream is the keep-alive (an SSE comment
      // line, ":").
      BlockingQueue<String> lines =
          sse(
              variant.baseUrl(),
              Operations.load("graphql__subscriptions__NewKillmail.graphql"),
              "NewKillmail",
              open);
      assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("status: 200");
      List<String> seen = new ArrayList<>();
      int comments = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (comments < 2 && System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line == null) {
          continue;
        }
        seen.add(line);
        if (line.equals(":")) {
          comments++;
        }
      }
      assertThat(comments).as("keep-alive comments among %s", seen).isEqualTo(2);
      assertThat(seen)
          .as("the stream is neither completed nor closed")
          .doesNotContain("event: complete", "<closed>")
          .allMatch(l -> l.equals(":") || l.isEmpty());
    } finally {
      open.forEach(f -> f.cancel(true));
    }
  }

  @Test
  void workerStatusUpdatesEmitPeriodically() throws Exception {
    List<CompletableFuture<?>> open = new ArrayList<>();
    BlockingQueue<String> lines =
        sse(
            Operations.load("app__workers__workers.subscription.graphql"),
            "WorkerStatusSubscription",
            open);
    List<String> stamps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonObject e = nextEvent(lines, Duration.ofSeconds(10));
      assertThat(e).as("update " + i).isNotNull();
      JsonObject status = e.getJsonObject("data").getJsonObject("workerStatusUpdates");
      assertThat(status.getJsonArray("queues")).isNotEmpty();
      assertThat(status.getJsonArray("standaloneWorkers").getJsonObject(0).getString("name"))
          .isEqualTo("redisq_stream");
      stamps.add(status.getString("timestamp"));
    }
    assertThat(stamps).doesNotHaveDuplicates().isSorted();
    open.forEach(f -> f.cancel(true));
  }

  @Test
  void queriesOverSseCompleteAndBadOnesAre400() throws Exception {
    List<CompletableFuture<?>> open = new ArrayList<>();
    BlockingQueue<String> lines = sse("{ region(id: 10000001) { name } }", null, open);
    JsonObject e = nextEvent(lines, Duration.ofSeconds(10));
    assertThat(e.getJsonObject("data").getJsonObject("region").getString("name"))
        .isEqualTo("Derelik");
    String line;
    boolean complete = false;
    while ((line = lines.poll(5, TimeUnit.SECONDS)) != null) {
      if (line.equals("event: complete")) {
        complete = true;
      }
      if (line.equals("<closed>")) {
        break;
      }
    }
    assertThat(complete).isTrue();
    BlockingQueue<String> bad = sse("subscription { nope }", null, open);
    assertThat(bad.poll(10, TimeUnit.SECONDS)).isEqualTo("status: 400");
  }
}
