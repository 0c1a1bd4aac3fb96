package dev.killboard.fake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FakeZkillboardTest {
  private static Vertx vertx;
  private static WebClient client;
  private static FakeUniverse universe;
  private static FakeZkillboard zkb;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    // Decompression off: the test looks at the bytes on the wire.
    client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDecompressionSupported(false)
                .setUserAgent("test (t@example.invalid)"));
    universe = FakeUniverse.generate(UniverseSpec.tiny());
    zkb = new FakeZkillboard(vertx, universe, 3);
    zkb.start().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void pagesListKillmailIdAndZkbNewestFirstThenAnEmptyArray() throws Exception {
    long characterId =
        universe.playerCharacterIds().stream()
            .filter(id -> universe.killmailsOfCharacter(id).size() > 3)
            .findFirst()
            .orElseThrow();
    List<Long> expected = universe.killmailsOfCharacter(characterId);
    JsonArray all = new JsonArray();
    int page = 1;
    while (true) {
      JsonArray body = get("/characterID/" + characterId + "/page/" + page + "/").bodyAsJsonArray();
      if (body.isEmpty()) {
        break;
      }
      assertThat(body.size()).isLessThanOrEqualTo(3);
      all.addAll(body);
      page++;
    }
    assertThat(page - 1).isEqualTo((expected.size() + 2) / 3);
    assertThat(all.stream().map(o -> ((JsonObject) o).getLong("killmail_id")).toList())
        .isEqualTo(expected);
    JsonObject first = all.getJsonObject(0);
    assertThat(first.fieldNames()).containsExactlyInAnyOrder("killmail_id", "zkb");
    assertThat(first.getJsonObject("zkb"))
        .isEqualTo(universe.killmail(expected.get(0)).orElseThrow().zkb());
    assertThat(first.getJsonObject("zkb").fieldNames())
        .contains(
            "locationID",
            "hash",
            "fittedValue",
            "droppedValue",
            "destroyedValue",
            "totalValue",
            "points",
            "npc",
            "solo",
            "awox",
            "labels");
  }

  @Test
  void corporationAndAllianceHistoriesAndUnknownIds() throws Exception {
    long corp = universe.playerCorporationIds().get(0);
    assertThat(
            get("/corporationID/" + corp + "/page/1/")
                .bodyAsJsonArray()
                .getJsonObject(0)
                .getLong("killmail_id"))
        .isEqualTo(universe.killmailsOfCorporation(corp).get(0));
    long alliance = universe.allianceIds().get(0);
    assertThat(
            get("/allianceID/" + alliance + "/page/1/")
                .bodyAsJsonArray()
                .getJsonObject(0)
                .getLong("killmail_id"))
        .isEqualTo(universe.killmailsOfAlliance(alliance).get(0));
    assertThat(get("/characterID/1/page/1/").bodyAsJsonArray()).isEmpty();
  }

  @Test
  void withoutTheTrailingSlashTheAnswerIs404() throws Exception {
    long characterId = universe.playerCharacterIds().get(0);
    int before = zkb.requests().count(RequestJournal.UNMATCHED);
    assertThat(get("/characterID/" + characterId + "/page/1").statusCode()).isEqualTo(404);
    assertThat(zkb.requests().count(RequestJournal.UNMATCHED)).isEqualTo(before + 1);
  }

  @Test
  void gzipWhenAcceptedAndIdentityOtherwise() throws Exception {
    long characterId = universe.playerCharacterIds().get(0);
    String url = zkb.baseUrl() + "/characterID/" + characterId + "/page/1/";
    HttpResponse<Buffer> plain = client.getAbs(url).send().await(10, TimeUnit.SECONDS);
    assertThat(plain.getHeader("Content-Encoding")).isNull();
    int gzippedBefore = zkb.gzippedResponses();
    HttpResponse<Buffer> zipped =
        client.getAbs(url).putHeader("Accept-Encoding", "gzip").send().await(10, TimeUnit.SECONDS);
    assertThat(zipped.getHeader("Content-Encoding")).isEqualTo("gzip");
    assertThat(zkb.gzippedResponses()).isEqualTo(gzippedBefore + 1);
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(zipped.body().getBytes()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(plain.bodyAsString());
    }
  }

  @Test
  void aUserAgentIsRequired() throws Exception {
    WebClient anonymous =
        WebClient.create(vertx, new WebClientOptions().setUserAgentEnabled(false));
    long characterId = universe.playerCharacterIds().get(0);
    assertThat(
            anonymous
                .getAbs(zkb.baseUrl() + "/characterID/" + characterId + "/page/1/")
                .send()
                .await(10, TimeUnit.SECONDS)
                .statusCode())
        .isEqualTo(403);
    anonymous.close();
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return client.getAbs(zkb.baseUrl() + path).send().await(10, TimeUnit.SECONDS);
  }
}
