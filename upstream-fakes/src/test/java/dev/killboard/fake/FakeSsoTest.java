package dev.killboard.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FakeSsoTest {
  private static final String CALLBACK = "http://127.0.0.1:1/auth/callback";
  private static Vertx vertx;
  private static WebClient client;
  private static FakeUniverse universe;
  private static FakeSso sso;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    universe = FakeUniverse.generate(UniverseSpec.tiny());
    sso = new FakeSso(vertx, universe, new FakeSso.Options().callbackUrl(CALLBACK));
    sso.start().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void authorizationCodeFlowIssuesEveShapedTokensVerifiableWithThePublishedKeys() throws Exception {
    long characterId = universe.playerCharacterIds().get(2);
    sso.loginAs(characterId);
    HttpResponse<Buffer> redirect =
        client
            .getAbs(sso.baseUrl() + FakeSso.AUTHORIZE)
            .addQueryParam("response_type", "code")
            .addQueryParam("redirect_uri", CALLBACK)
            .addQueryParam("client_id", sso.clientId())
            .addQueryParam("scope", "publicData " + FakeSso.SCOPE_CHARACTER_KILLMAILS)
            .addQueryParam("state", "xyz 1")
            .send()
            .await(10, TimeUnit.SECONDS);
    assertThat(redirect.statusCode()).isEqualTo(302);
    URI location = URI.create(redirect.getHeader("Location"));
    assertThat(location.getPath()).isEqualTo("/auth/callback");
    Map<String, String> query = query(location.getRawQuery());
    assertThat(query.get("state")).isEqualTo("xyz 1");

    JsonObject tokens =
        token(sso.clientSecret(), "grant_type", "authorization_code", "code", query.get("code"))
            .bodyAsJsonObject();
    assertThat(tokens.getString("token_type")).isEqualTo("Bearer");
    assertThat(tokens.getLong("expires_in")).isEqualTo(1199L);
    assertThat(tokens.getString("refresh_token")).isNotBlank();

    JsonObject claims =
        verify(tokens.getString("access_token")).attributes().getJsonObject("accessToken");
    assertThat(claims.getString("sub")).isEqualTo("CHARACTER:EVE:" + characterId);
    assertThat(claims.getString("name"))
        .isEqualTo(universe.character(characterId).orElseThrow().getString("name"));
    assertThat(claims.getString("iss")).isEqualTo(FakeSso.DEFAULT_ISSUER);
    assertThat(claims.getJsonArray("aud"))
        .isEqualTo(new JsonArray().add(sso.clientId()).add("EVE Online"));
    assertThat(claims.getJsonArray("scp"))
        .isEqualTo(new JsonArray().add("publicData").add(FakeSso.SCOPE_CHARACTER_KILLMAILS));
    assertThat(claims.getString("owner")).isNotBlank();
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(1199L);

    // Codes are single-use.
    assertThat(
            token(sso.clientSecret(), "grant_type", "authorization_code", "code", query.get("code"))
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void authorizeRejectsWrongRequests() throws Exception {
    assertThat(
            client
                .getAbs(sso.baseUrl() + FakeSso.AUTHORIZE)
                .addQueryParam("response_type", "code")
                .addQueryParam("redirect_uri", CALLBACK)
                .addQueryParam("client_id", "someone-else")
                .addQueryParam("state", "s")
                .send()
                .await(10, TimeUnit.SECONDS)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            client
                .getAbs(sso.baseUrl() + FakeSso.AUTHORIZE)
                .addQueryParam("response_type", "code")
                .addQueryParam("redirect_uri", "http://evil.invalid/cb")
                .addQueryParam("client_id", sso.clientId())
                .addQueryParam("state", "s")
                .send()
                .await(10, TimeUnit.SECONDS)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void refreshRotatesTheRefreshTokenAndWrongClientsAreRejected() throws Exception {
    long characterId = universe.playerCharacterIds().get(4);
    String refresh =
        sso.issueRefreshToken(characterId, List.of(FakeSso.SCOPE_CORPORATION_KILLMAILS));
    HttpResponse<Buffer> wrongSecret =
        token("not-the-secret", "grant_type", "refresh_token", "refresh_token", refresh);
    assertThat(wrongSecret.statusCode()).isEqualTo(401);
    assertThat(wrongSecret.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");

    JsonObject refreshed =
        token(sso.clientSecret(), "grant_type", "refresh_token", "refresh_token", refresh)
            .bodyAsJsonObject();
    assertThat(refreshed.getString("refresh_token")).isNotEqualTo(refresh);
    JsonObject claims =
        verify(refreshed.getString("access_token")).attributes().getJsonObject("accessToken");
    assertThat(claims.getString("sub")).isEqualTo("CHARACTER:EVE:" + characterId);
    assertThat(claims.getString("scp")).isEqualTo(FakeSso.SCOPE_CORPORATION_KILLMAILS);
    assertThat(
            token(sso.clientSecret(), "grant_type", "refresh_token", "refresh_token", refresh)
                .statusCode())
        .isEqualTo(400);

    String next = refreshed.getString("refresh_token");
    sso.revokeRefreshToken(next);
    assertThat(
            token(sso.clientSecret(), "grant_type", "refresh_token", "refresh_token", next)
                .bodyAsJsonObject()
                .getString("error"))
        .isEqualTo("invalid_grant");
    assertThat(token(sso.clientSecret(), "grant_type", "password").statusCode()).isEqualTo(400);
  }

  @Test
  void mintedExpiredAndWronglySignedTokensFailVerification() throws Exception {
    long characterId = universe.playerCharacterIds().get(0);
    List<String> scopes = List.of("publicData");
    assertThat(verify(sso.mintAccessToken(characterId, scopes)).principal().getString("sub"))
        .isEqualTo("CHARACTER:EVE:" + characterId);
    assertThatThrownBy(() -> verify(sso.mintExpiredAccessToken(characterId, scopes)))
        .hasMessageContaining("expired");
    assertThatThrownBy(() -> verify(sso.mintWronglySignedAccessToken(characterId, scopes)))
        .isInstanceOf(java.security.SignatureException.class);
    assertThat(
            sso.verifyAccessToken(sso.mintAccessToken(characterId, scopes))
                .await(10, TimeUnit.SECONDS)
                .getString("sub"))
        .isEqualTo("CHARACTER:EVE:" + characterId);
    assertThatThrownBy(
            () ->
                sso.verifyAccessToken(sso.mintExpiredAccessToken(characterId, scopes))
                    .await(10, TimeUnit.SECONDS))
        .hasMessageContaining("expired");
  }

  @Test
  void keyRotationPublishesTheNewKeyBesideTheOld() throws Exception {
    FakeSso rotating = new FakeSso(vertx, universe, new FakeSso.Options());
    rotating.start().await(10, TimeUnit.SECONDS);
    try {
      String oldKid = rotating.signingKeyId();
      String before = rotating.mintAccessToken(1, List.of("publicData"));
      rotating.rotateSigningKey();
      assertThat(rotating.signingKeyId()).isNotEqualTo(oldKid);
      JsonObject jwks =
          client
              .getAbs(rotating.baseUrl() + FakeSso.JWKS)
              .send()
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject();
      assertThat(jwks.getJsonArray("keys")).hasSize(2);
      String after = rotating.mintAccessToken(1, List.of("publicData"));
      assertThat(rotating.verifyAccessToken(before).await(10, TimeUnit.SECONDS)).isNotNull();
      assertThat(rotating.verifyAccessToken(after).await(10, TimeUnit.SECONDS)).isNotNull();
      JsonObject metadata =
          client
              .getAbs(rotating.baseUrl() + FakeSso.METADATA)
              .send()
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject();
      assertThat(metadata.getString("jwks_uri")).isEqualTo(rotating.baseUrl() + FakeSso.JWKS);
      assertThat(metadata.getString("issuer")).isEqualTo(FakeSso.DEFAULT_ISSUER);
    } finally {
      rotating.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Verifies like an independent consumer: keys fetched from the JWKS endpoint over HTTP. */
  private static User verify(String token) throws Exception {
    JsonObject jwks =
        client
            .getAbs(sso.baseUrl() + FakeSso.JWKS)
            .send()
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    JWTAuthOptions options =
        new JWTAuthOptions()
            .setJWTOptions(
                new JWTOptions()
                    .setIssuer(FakeSso.DEFAULT_ISSUER)
                    .setAudience(List.of("EVE Online")));
    jwks.getJsonArray("keys").forEach(k -> options.addJwk((JsonObject) k));
    return JWTAuth.create(vertx, options)
        .authenticate(new TokenCredentials(token))
        .await(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> token(String secret, String... form) throws Exception {
    MultiMap body = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < form.length; i += 2) {
      body.add(form[i], form[i + 1]);
    }
    return client
        .postAbs(sso.baseUrl() + FakeSso.TOKEN)
        .basicAuthentication(sso.clientId(), secret)
        .sendForm(body)
        .await(10, TimeUnit.SECONDS);
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
