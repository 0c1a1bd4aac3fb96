package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.GraphQLWebSocket;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Hostile clients of issue 10 — the cycle through unpaged lists (D1), an alias bomb of counted
 * searches (R1), a fan-out through attackers, too many root fields, oversized answers — are refused
 * or bounded, while a second client's simple queries keep succeeding and no event loop is blocked
 * past 200 ms (the harness's blocked-thread checker looks every 50 ms).
 */
@ClusterTest
class HostileQueryTest {
  /** Queries of the second client under attack the p99 is taken over (its 2nd-highest at 200). */
  private static final int SAMPLES = 200;

  /** Attack rounds at most, whatever the second client managed meanwhile. */
  private static final int MAX_ROUNDS = 200;

  static ApiHarness api;

  /**
   * D1: 14 aliases of alliances → corporations → alliance → corporations … inside the depth limit.
   */
  static final String CYCLE;

  /**
   * Every killmail's attackers with their organisations, and every corporation of those alliances
   * again.
   */
  static final String FAN_OUT =
      "{ killmails(filter: {limit: 200}) { edges { node { attackers { character { name }"
          + " corporation { name alliance { name corporations { name ceo { name } } } } } items { itemTypeName } } } } }";

  /**
   * Large but within the cost limit: all the frontend's Killmails page fields for 200 rows, with
   * items.
   */
  static final String BIG_ALLOWED =
      "{ killmails(filter: {limit: 200}) { edges { cursor node { killmailId killmailTime"
          + " solarSystem { name constellation { name region { name } } } victim { characterName corporationName shipTypeName }"
          + " attackers { characterName corporationName allianceName shipTypeName weaponTypeName damageDone finalBlow }"
          + " items { itemTypeName flag quantityDropped quantityDestroyed } } } pageInfo { totalCount } } }";

  static final String SIMPLE = "{ region(id: 10000002) { name } }";

  static {
    StringBuilder q = new StringBuilder("{ ");
    for (int i = 0; i < 14; i++) {
      q.append("a")
          .append(i)
          .append(
              ": alliances(filter: {limit: 200}) { edges { node { name corporations { name alliance {"
                  + " corporations { name alliance { corporations { name ticker member_count ceo { name } } } } } } } } } ");
    }
    CYCLE = q.append("}").toString();
  }

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(String base, String query) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/graphql"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(new JsonObject().put("query", query).encode()))
            .build();
    return api.http().sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String code(HttpResponse<String> r) {
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getJsonArray("errors")).as(r.body()).isNotNull().isNotEmpty();
    return body.getJsonArray("errors")
        .getJsonObject(0)
        .getJsonObject("extensions")
        .getString("code");
  }

  @Test
  void hostileQueriesAreRefusedWhileASecondClientIsServedAndNoLoopBlocks() throws Exception {
    String base = api.baseUrl();
    String bomb = QueryCostTest.searchAliases(900);
    String rootFields = QueryCostTest.searchAliases(100);
    // Once each before watching the loops: the first run of a code path loads classes (up to ~ 250
    // ms on a busy CI
    // machine), which is start-up cost, not the attack's.
    for (String q : List.of(CYCLE, bomb, rootFields, FAN_OUT, BIG_ALLOWED, SIMPLE)) {
      postAsync(base, q).get(30, TimeUnit.SECONDS);
    }
    // The second client alone first: what the machine gives a simple query without any attack (for
    // the log).
    List<Long> alone = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long start = System.nanoTime();
      postAsync(base, SIMPLE).get(30, TimeUnit.SECONDS);
      alone.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
    }
    Collections.sort(alone);
    System.out.printf(
        "second client alone: %d queries, p50 %.1f ms, max %.1f ms%n",
        alone.size(), alone.get(alone.size() / 2) / 1000.0, alone.get(alone.size() - 1) / 1000.0);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    AtomicBoolean hostileDone = new AtomicBoolean();
    ConcurrentLinkedQueue<String> hostileOutcomes = new ConcurrentLinkedQueue<>();
    try {
      // The hostile client: rounds of the five attacks at once, at least eight, and on until the
      // second client has made SAMPLES queries under attack (a p99 of a few dozen samples is just
      // their maximum).
      AtomicInteger measured = new AtomicInteger();
      CompletableFuture<Void> hostile =
          CompletableFuture.runAsync(
                  () -> {
                    for (int round = 0;
                        round < 8 || (measured.get() < SAMPLES && round < MAX_ROUNDS);
                        round++) {
                      List<CompletableFuture<HttpResponse<String>>> attacks =
                          List.of(
                              postAsync(base, CYCLE),
                              postAsync(base, bomb),
                              postAsync(base, rootFields),
                              postAsync(base, FAN_OUT),
                              postAsync(base, BIG_ALLOWED));
                      CompletableFuture.allOf(attacks.toArray(CompletableFuture[]::new)).join();
                      hostileOutcomes.add(
                          code(attacks.get(0).join())
                              + " "
                              + code(attacks.get(1).join())
                              + " "
                              + code(attacks.get(2).join())
                              + " "
                              + code(attacks.get(3).join())
                              + " "
                              + attacks.get(4).join().statusCode());
                      assertThat(
                              new JsonObject(attacks.get(4).join().body()).getJsonArray("errors"))
                          .isNull();
                    }
                  })
              .whenComplete((v, e) -> hostileDone.set(true));

      // The second client: simple queries one after another for as long as the attacks last.
      List<Long> micros = new ArrayList<>();
      while (!hostileDone.get()) {
        long start = System.nanoTime();
        HttpResponse<String> r = postAsync(base, SIMPLE).get(30, TimeUnit.SECONDS);
        micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
        measured.incrementAndGet();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(
                new JsonObject(r.body())
                    .getJsonObject("data")
                    .getJsonObject("region")
                    .getString("name"))
            .isEqualTo("The Forge");
      }
      hostile.get(120, TimeUnit.SECONDS);

      assertThat(micros).as("queries of the second client under attack").hasSizeGreaterThan(20);
      assertThat(hostileOutcomes)
          .hasSizeGreaterThanOrEqualTo(8)
          .allMatch(
              o ->
                  o.equals(
                      "QUERY_TOO_COMPLEX GRAPHQL_PARSE_FAILED QUERY_TOO_COMPLEX QUERY_TOO_COMPLEX 200"));
      Collections.sort(micros);
      long p50 = micros.get(micros.size() / 2);
      long p99 = micros.get(Math.min(micros.size() - 1, (int) Math.ceil(micros.size() * 0.99) - 1));
      System.out.printf(
          "second client during the attacks: %d queries, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          micros.size(), p50 / 1000.0, p99 / 1000.0, micros.get(micros.size() - 1) / 1000.0);
      // Issue 10, item 8: executions run on worker threads, so the attacks do not hold up the
      // simple queries.
      assertThat(p99).as("second client p99 (ms)").isLessThan(TimeUnit.MILLISECONDS.toMicros(100));
      assertThat(logged.list)
          .noneMatch(e -> e.getFormattedMessage().contains("has been blocked for"));
    } finally {
      root.detachAppender(logged);
    }
  }

  @Test
  void aWebSocketRunsAtMostItsSubscriptionsAndGetsSlotsBackOnComplete() throws Exception {
    String status = "subscription { workerStatusUpdates { healthy } }";
    try (ApiHarness.Variant variant =
            api.deployVariant(Map.of("KILLBOARD_MAX_SUBSCRIPTIONS_PER_SOCKET", "3"));
        GraphQLWebSocket ws = GraphQLWebSocket.open(api, variant.port)) {
      ws.send(new JsonObject().put("type", "connection_init"));
      assertThat(next(ws, m -> m.getString("type").equals("connection_ack"))).isNotNull();
      for (int id = 1; id <= 3; id++) {
        subscribe(ws, Integer.toString(id), status);
        String expected = Integer.toString(id);
        JsonObject first = next(ws, m -> expected.equals(m.getString("id")));
        assertThat(first.getJsonObject("payload").getJsonObject("data"))
            .as("subscription %s runs", id)
            .isNotNull();
      }
      subscribe(ws, "4", status);
      JsonObject refused = next(ws, m -> "4".equals(m.getString("id")));
      assertThat(
              refused
                  .getJsonObject("payload")
                  .getJsonArray("errors")
                  .getJsonObject(0)
                  .getJsonObject("extensions")
                  .getString("code"))
          .isEqualTo("TOO_MANY_STREAMS");
      assertThat(next(ws, m -> "4".equals(m.getString("id"))).getString("type"))
          .isEqualTo("complete");
      // Completing one gives its slot back.
      ws.send(new JsonObject().put("type", "complete").put("id", "1"));
      subscribe(ws, "5", status);
      JsonObject fifth = next(ws, m -> "5".equals(m.getString("id")));
      assertThat(fifth.getJsonObject("payload").getJsonObject("data"))
          .as(fifth.encode())
          .isNotNull();
    }
  }

  @Test
  void aClientHoldsAtMostItsEventStreams() throws Exception {
    try (ApiHarness.Variant variant =
        api.deployVariant(Map.of("KILLBOARD_MAX_SSE_STREAMS_PER_CLIENT", "2"))) {
      InputStream first = openStream(variant.baseUrl()).body();
      InputStream second = openStream(variant.baseUrl()).body();
      // Both streams run: each has sent its opening comment.
      assertThat(first.read()).isEqualTo(':');
      assertThat(second.read()).isEqualTo(':');
      HttpResponse<InputStream> third = openStream(variant.baseUrl());
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(
              codeOf(
                  new String(third.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)))
          .isEqualTo("TOO_MANY_STREAMS");
      // Plain requests are not streams.
      assertThat(variant.graphql(SIMPLE, null, null).getJsonObject("data")).isNotNull();
      // Closing one gives its place back once the server has seen the connection close (nothing to
      // await but that).
      first.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      HttpResponse<InputStream> again;
      while ((again = openStream(variant.baseUrl())).statusCode() == 429) {
        again.body().close();
        assertThat(System.nanoTime())
            .as("the closed stream's place comes back")
            .isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      assertThat(again.statusCode()).isEqualTo(200);
      again.body().close();
      second.close();
    }
  }

  private static HttpResponse<InputStream> openStream(String base) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/graphql"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    new JsonObject()
                        .put("query", "subscription { newKillmail { killmailId } }")
                        .encode()))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  private static String codeOf(String body) {
    return new JsonObject(body)
        .getJsonArray("errors")
        .getJsonObject(0)
        .getJsonObject("extensions")
        .getString("code");
  }

  private static void subscribe(GraphQLWebSocket ws, String id, String query) throws Exception {
    ws.send(
        new JsonObject()
            .put("id", id)
            .put("type", "subscribe")
            .put("payload", new JsonObject().put("query", query)));
  }

  /** The next message that matches, skipping others (status ticks of other subscriptions). */
  private static JsonObject next(GraphQLWebSocket ws, Predicate<JsonObject> wanted)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonObject m = ws.poll(1, TimeUnit.SECONDS);
      if (m != null && wanted.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no matching message within 10 s");
  }

  @Test
  void anAnswerOverTheResponseCapEndsWithOneClearError() throws Exception {
    // 30 seeded killmails with their attackers and items, ten times over: well above 64 KiB.
    StringBuilder q = new StringBuilder("{ ");
    for (int i = 0; i < 10; i++) {
      q.append("k")
          .append(i)
          .append(
              ": killmails(filter: {limit: 30}) { edges { cursor node { killmailHash killmailTime"
                  + " victim { characterName corporationName shipTypeName } attackers { characterName corporationName shipTypeName"
                  + " weaponTypeName } items { itemTypeName flag } } } } ");
    }
    String big = q.append("}").toString();
    HttpResponse<String> full = postAsync(api.baseUrl(), big).get(30, TimeUnit.SECONDS);
    assertThat(new JsonObject(full.body()).getJsonArray("errors")).isNull();
    assertThat(full.body().length()).as("the answer under the default cap").isGreaterThan(65_536);

    try (ApiHarness.Variant capped =
        api.deployVariant(Map.of("KILLBOARD_MAX_RESPONSE_BYTES", "65536"))) {
      HttpResponse<String> r = postAsync(capped.baseUrl(), big).get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(code(r)).isEqualTo("RESPONSE_TOO_LARGE");
      JsonObject body = new JsonObject(r.body());
      assertThat(body.getValue("data")).isNull();
      assertThat(body.getJsonArray("errors")).hasSize(1);
      assertThat(body.getJsonArray("errors").getJsonObject(0).getString("message"))
          .contains("65536 bytes");
      assertThat(r.body().length()).isLessThan(1024);
      // A small answer still goes through the capped instance.
      assertThat(
              capped
                  .graphql(SIMPLE, null, null)
                  .getJsonObject("data")
                  .getJsonObject("region")
                  .getString("name"))
          .isEqualTo("The Forge");
    }
  }
}
