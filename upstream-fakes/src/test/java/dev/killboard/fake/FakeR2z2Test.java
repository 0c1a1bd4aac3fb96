package dev.killboard.fake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FakeR2z2Test {
  private static Vertx vertx;
  private static WebClient client;
  private static FakeUniverse universe;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    universe = FakeUniverse.generate(UniverseSpec.tiny());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void publishedKillmailsAreServedBySequenceAndUnpublishedOnesAre404() throws Exception {
    FakeR2z2 r2z2 = new FakeR2z2(vertx, universe);
    r2z2.start().await(10, TimeUnit.SECONDS);
    try {
      assertThat(get(r2z2, "/sequence.json").bodyAsJsonObject().getLong("sequence"))
          .isEqualTo(1_000_000L);
      assertThat(get(r2z2, "/1000001.json").statusCode()).isEqualTo(404);
      List<Long> sequences = r2z2.publishNew(3);
      assertThat(sequences).containsExactly(1_000_001L, 1_000_002L, 1_000_003L);
      assertThat(get(r2z2, "/sequence.json").bodyAsJsonObject().getLong("sequence"))
          .isEqualTo(1_000_003L);
      JsonObject entry = get(r2z2, "/1000002.json").bodyAsJsonObject();
      FakeKillmail km = universe.killmail(entry.getLong("killmail_id")).orElseThrow();
      assertThat(entry.getString("hash")).isEqualTo(km.hash());
      assertThat(entry.getJsonObject("esi")).isEqualTo(km.esi());
      assertThat(entry.getJsonObject("zkb").getString("href"))
          .isEqualTo(
              "https://esi.evetech.net/v1/killmails/" + km.killmailId() + "/" + km.hash() + "/");
      assertThat(entry.getJsonObject("zkb").getDouble("totalValue"))
          .isEqualTo(km.zkb().getDouble("totalValue"));
      assertThat(get(r2z2, "/1000004.json").statusCode()).isEqualTo(404);
      r2z2.discardUpTo(1_000_001L);
      assertThat(get(r2z2, "/1000001.json").statusCode()).isEqualTo(404);
      assertThat(r2z2.requests().count(FakeR2z2.ENTRY)).isEqualTo(4);
    } finally {
      r2z2.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sequenceJsonLagsLikeTheRealFeed() throws Exception {
    FakeR2z2 r2z2 = new FakeR2z2(vertx, universe, 500L, 3);
    r2z2.start().await(10, TimeUnit.SECONDS);
    try {
      r2z2.publishNew(2);
      assertThat(get(r2z2, "/sequence.json").bodyAsJsonObject().getLong("sequence"))
          .isEqualTo(499L);
      assertThat(get(r2z2, "/501.json").statusCode()).isEqualTo(200);
      r2z2.publishNew(1);
      assertThat(get(r2z2, "/sequence.json").bodyAsJsonObject().getLong("sequence"))
          .isEqualTo(502L);
      assertThat(r2z2.latestSequence()).isEqualTo(502L);
    } finally {
      r2z2.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<Buffer> get(FakeR2z2 r2z2, String path) throws Exception {
    return client.getAbs(r2z2.baseUrl() + path).send().await(10, TimeUnit.SECONDS);
  }
}
