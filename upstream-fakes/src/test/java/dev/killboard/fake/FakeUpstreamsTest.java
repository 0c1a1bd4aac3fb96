package dev.killboard.fake;

import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FakeUpstreamsTest {
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
  void allFourShareOnePortAndAnswer() throws Exception {
    FakeUpstreams fakes =
        FakeUpstreams.start(vertx, new FakeUpstreams.Options().universe(universe))
            .await(20, TimeUnit.SECONDS);
    try {
      String origin = fakes.sso().baseUrl();
      assertThat(fakes.esi().baseUrl()).isEqualTo(origin + "/latest");
      assertThat(fakes.zkillboard().baseUrl()).isEqualTo(origin + "/api");
      assertThat(fakes.r2z2().baseUrl()).isEqualTo(origin + "/ephemeral");
      assertAllAnswer(fakes);
      Map<String, String> env = fakes.environment();
      assertThat(env)
          .containsEntry("KILLBOARD_ESI_BASE_URL", fakes.esi().baseUrl())
          .containsEntry("KILLBOARD_ZKB_BASE_URL", fakes.zkillboard().baseUrl())
          .containsEntry("KILLBOARD_R2Z2_BASE_URL", fakes.r2z2().baseUrl())
          .containsEntry("KILLBOARD_SSO_BASE_URL", fakes.sso().baseUrl())
          .containsEntry("KILLBOARD_SSO_CLIENT_ID", fakes.sso().clientId())
          .containsKeys(
              "KILLBOARD_SSO_CLIENT_SECRET",
              "KILLBOARD_USER_AGENT",
              "KILLBOARD_SSO_ISSUER",
              "KILLBOARD_SSO_JWKS_URL");
    } finally {
      fakes.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void separatePortsGiveEachFakeItsOwnServer() throws Exception {
    FakeUpstreams fakes =
        FakeUpstreams.start(
                vertx, new FakeUpstreams.Options().universe(universe).separatePorts(true))
            .await(20, TimeUnit.SECONDS);
    try {
      List<Integer> ports =
          List.of(
                  fakes.esi().origin(),
                  fakes.zkillboard().origin(),
                  fakes.r2z2().origin(),
                  fakes.sso().origin())
              .stream()
              .map(o -> URI.create(o).getPort())
              .distinct()
              .toList();
      assertThat(ports).hasSize(4);
      assertAllAnswer(fakes);
    } finally {
      fakes.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void mainParsesItsOptionsAndNamesWrongOnes() {
    FakeUpstreamsMain.Config config =
        FakeUpstreamsMain.parse(
            new String[] {"--port=0", "--killmails=10", "--history-end=2026-01-01T00:00:00Z"},
            Map.of("KILLBOARD_FAKE_SEED", "9"));
    assertThat(config.port()).isZero();
    assertThat(config.seed()).isEqualTo(9);
    assertThat(config.killmails()).isEqualTo(10);
    assertThat(config.historyEnd()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThatThrownBy(() -> FakeUpstreamsMain.parse(new String[] {"--port=70000"}, Map.of()))
        .hasMessageContaining(
            "--port / KILLBOARD_FAKE_PORT='70000' must be a whole number from 0 to 65535");
    assertThatThrownBy(() -> FakeUpstreamsMain.parse(new String[] {"port"}, Map.of()))
        .hasMessageContaining("Unknown argument 'port'");
  }

  @Test
  void mainStartsTheFakesPrintsTheEnvironmentAndPublishesLiveKillmails() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    FakeUpstreamsMain.Config config =
        new FakeUpstreamsMain.Config(0, 3, 50, 50, false, Instant.parse("2026-01-01T00:00:00Z"), 0);
    Vertx own = Vertx.vertx();
    try {
      FakeUpstreams fakes =
          FakeUpstreamsMain.start(
                  own, config, new PrintStream(printed, true, StandardCharsets.UTF_8))
              .await(20, TimeUnit.SECONDS);
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("export KILLBOARD_ESI_BASE_URL='" + fakes.esi().baseUrl() + "'");
      // Publishing is a timer inside the fakes; nothing signals it, so poll with a deadline.
      eventually(
          Duration.ofSeconds(10),
          "the first published killmail",
          () -> fakes.r2z2().latestSequence() >= fakes.r2z2().firstSequence());
    } finally {
      own.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void assertAllAnswer(FakeUpstreams fakes) throws Exception {
    long characterId = universe.playerCharacterIds().get(0);
    assertThat(
            client
                .getAbs(fakes.esi().baseUrl() + "/characters/" + characterId + "/")
                .send()
                .await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject()
                .getString("name"))
        .isEqualTo(universe.character(characterId).orElseThrow().getString("name"));
    assertThat(
            client
                .getAbs(fakes.zkillboard().baseUrl() + "/characterID/" + characterId + "/page/1/")
                .send()
                .await(10, TimeUnit.SECONDS)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            client
                .getAbs(fakes.r2z2().baseUrl() + "/sequence.json")
                .send()
                .await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject()
                .getLong("sequence"))
        .isEqualTo(fakes.r2z2().reportedSequence());
    assertThat(
            client
                .getAbs(fakes.sso().baseUrl() + FakeSso.JWKS)
                .send()
                .await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject()
                .getJsonArray("keys"))
        .hasSize(1);
  }
}
