package dev.killboard.upstream.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import dev.killboard.fake.FakeSso;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.upstream.TestSettings;
import dev.killboard.upstream.UpstreamRejected;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SsoClientTest {
  private static Vertx vertx;
  private static FakeUniverse universe;
  private static FakeUpstreams fakes;
  private static UpstreamSettings settings;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    universe = FakeUniverse.generate(UniverseSpec.tiny());
    fakes =
        FakeUpstreams.start(vertx, new FakeUpstreams.Options().universe(universe))
            .await(20, TimeUnit.SECONDS);
    settings = TestSettings.forFakes(fakes);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theBrowserFlowEndsWithTokensOfTheLoggedInCharacter() throws Exception {
    long characterId = universe.playerCharacterIds().get(6);
    fakes.sso().loginAs(characterId);
    try (SsoClient client = new SsoClient(vertx, settings);
        SsoTokenVerifier verifier = new SsoTokenVerifier(vertx, settings)) {
      String url =
          client.authorizeUrl(
              "state with spaces&more", List.of("publicData", FakeSso.SCOPE_CHARACTER_KILLMAILS));
      assertThat(url)
          .startsWith(fakes.sso().baseUrl() + "/v2/oauth/authorize?response_type=code")
          .contains("scope=publicData%20esi-killmails.read_killmails.v1")
          .contains("state=state%20with%20spaces%26more");
      WebClient browser = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
      URI callback =
          URI.create(browser.getAbs(url).send().await(10, TimeUnit.SECONDS).getHeader("Location"));
      browser.close();
      assertThat(callback.toString()).startsWith(settings.ssoCallbackUrl());
      Map<String, String> query = query(callback.getRawQuery());
      assertThat(query.get("state")).isEqualTo("state with spaces&more");

      SsoTokens tokens = client.exchangeCode(query.get("code")).await(10, TimeUnit.SECONDS);
      assertThat(tokens.expiresIn()).isEqualTo(Duration.ofSeconds(1199));
      assertThat(tokens.refreshToken()).isNotBlank();
      assertThat(tokens.toString())
          .doesNotContain(tokens.accessToken())
          .doesNotContain(tokens.refreshToken());
      SsoCharacter character = verifier.verify(tokens.accessToken()).await(10, TimeUnit.SECONDS);
      assertThat(character.characterId()).isEqualTo(characterId);
      assertThat(character.name())
          .isEqualTo(universe.character(characterId).orElseThrow().getString("name"));
      assertThat(character.scopes())
          .containsExactly("publicData", FakeSso.SCOPE_CHARACTER_KILLMAILS);

      // The code is spent.
      assertThatThrownBy(() -> client.exchangeCode(query.get("code")).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamRejected.class)
          .hasMessageContaining("invalid_grant");
    }
  }

  @Test
  void refreshGivesANewRefreshTokenAndTheOldOneStopsWorking() throws Exception {
    long characterId = universe.playerCharacterIds().get(2);
    String refresh =
        fakes.sso().issueRefreshToken(characterId, List.of(FakeSso.SCOPE_CORPORATION_KILLMAILS));
    try (SsoClient client = new SsoClient(vertx, settings);
        SsoTokenVerifier verifier = new SsoTokenVerifier(vertx, settings)) {
      SsoTokens tokens = client.refresh(refresh).await(10, TimeUnit.SECONDS);
      assertThat(tokens.refreshToken()).isNotEqualTo(refresh);
      assertThat(verifier.verify(tokens.accessToken()).await(10, TimeUnit.SECONDS).scopes())
          .containsExactly(FakeSso.SCOPE_CORPORATION_KILLMAILS);
      assertThatThrownBy(() -> client.refresh(refresh).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamRejected.class)
          .hasMessageContaining("invalid_grant")
          .hasMessageContaining("sign in again")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(refresh));
    }
  }

  @Test
  void wrongCredentialsAreRejectedWithoutShowingTheSecret() {
    UpstreamSettings wrong =
        TestSettings.forFakes(fakes, UpstreamSettings.SSO_CLIENT_SECRET, "wrong-secret-value");
    String refresh =
        fakes.sso().issueRefreshToken(universe.playerCharacterIds().get(0), List.of("publicData"));
    try (SsoClient client = new SsoClient(vertx, wrong)) {
      assertThatThrownBy(() -> client.refresh(refresh).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamRejected.class)
          .hasMessageContaining("invalid_client")
          .hasMessageContaining("KILLBOARD_SSO_CLIENT_SECRET")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-secret-value"))
          .satisfies(e -> assertThat(((UpstreamRejected) e).status()).isEqualTo(401));
    }
    UpstreamSettings anonymous =
        Env.read(
            Map.of(UpstreamSettings.USER_AGENT, TestSettings.USER_AGENT), UpstreamSettings::from);
    assertThatThrownBy(() -> new SsoClient(vertx, anonymous))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "KILLBOARD_SSO_CLIENT_ID and KILLBOARD_SSO_CLIENT_SECRET must be set");
  }

  @Test
  void theEnvironmentPrintedByTheFakesConfiguresWorkingClients() throws Exception {
    UpstreamSettings fromEnv = Env.read(fakes.environment(), UpstreamSettings::from);
    assertThat(fromEnv.ssoIssuer()).isEqualTo(fakes.sso().issuer());
    long characterId = universe.playerCharacterIds().get(9);
    String refresh = fakes.sso().issueRefreshToken(characterId, List.of("publicData"));
    try (SsoClient client = new SsoClient(vertx, fromEnv);
        SsoTokenVerifier verifier = new SsoTokenVerifier(vertx, fromEnv)) {
      SsoTokens tokens = client.refresh(refresh).await(10, TimeUnit.SECONDS);
      assertThat(verifier.verify(tokens.accessToken()).await(10, TimeUnit.SECONDS).characterId())
          .isEqualTo(characterId);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> map = new HashMap<>();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      map.put(
          pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return map;
  }
}
