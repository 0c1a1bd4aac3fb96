package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.GraphQLWebSocket;
import dev.killboard.api.support.Operations;
import dev.killboard.fake.FakeSso;
import dev.killboard.testing.ClusterTest;
import dev.killboard.upstream.sso.TokenCipher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer tokens verified against the fake SSO's keys, and the whole EVE SSO sign-in flow. */
@ClusterTest
class AuthTest {
  static ApiHarness api;
  static final List<String> SCOPES = List.of("publicData", "esi-killmails.read_killmails.v1");
  static final String ME = "{ me { id name email createdAt } }";

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private static String code(JsonObject response) {
    JsonArray errors = response.getJsonArray("errors");
    assertThat(errors).as(response.encode()).isNotNull();
    return errors.getJsonObject(0).getJsonObject("extensions").getString("code");
  }

  private static Map<String, String> query(String location) {
    Map<String, String> out = new HashMap<>();
    String q = URI.create(location).getRawQuery();
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private HttpResponse<String> get(String url) {
    return api.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
  }

  /**
   * Signs in through login → /auth/login → SSO authorize → /auth/callback; returns the frontend
   * redirect's parameters.
   */
  private Map<String, String> signIn(long characterId) {
    Started started = startSignIn(characterId);
    HttpResponse<String> back = get(started.callback(), started.cookie());
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    // The sign-in cookie is cleared once used.
    assertThat(back.headers().allValues("Set-Cookie"))
        .anyMatch(c -> c.startsWith("killboard_login=;") && c.contains("Max-Age=0"));
    String location = back.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("http://frontend.test:3000/auth/success?");
    return query(location);
  }

  /**
   * A sign-in up to the SSO's redirect back: the callback URL (code and state) and the browser's
   * sign-in cookie.
   */
  record Started(String callback, String cookie) {}

  private Started startSignIn(long characterId) {
    api.sso.loginAs(characterId);
    JsonObject login =
        api.data("mutation Login { login { url state } }", null).getJsonObject("login");
    assertThat(login.getString("url")).isEqualTo(api.baseUrl() + "/auth/login");
    HttpResponse<String> start = get(login.getString("url"));
    assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
    String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .startsWith("killboard_login=")
        .containsIgnoringCase("HttpOnly")
        .contains("SameSite=Lax")
        .doesNotContain("Secure");
    String authorizeUrl = start.headers().firstValue("Location").orElseThrow();
    assertThat(authorizeUrl).startsWith(api.sso.baseUrl() + "/v2/oauth/authorize?");
    assertThat(query(authorizeUrl))
        .containsKey("state")
        .containsEntry("client_id", api.sso.clientId())
        .containsEntry("response_type", "code");
    HttpResponse<String> authorize = get(authorizeUrl);
    assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
    String callback = authorize.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(api.baseUrl() + "/auth/callback?");
    return new Started(callback, cookie.substring(0, cookie.indexOf(';')));
  }

  private HttpResponse<String> get(String url, String cookie) {
    return api.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).GET().build());
  }

  @Test
  void ssoCallbackStoresTheUserWithEncryptedTokensAndRedirects() throws Exception {
    Map<String, String> p = signIn(90000003L);
    assertThat(p)
        .containsKeys("token", "refresh_token", "expires_in", "character_name", "character_id");
    assertThat(p.get("character_id")).isEqualTo("90000003");
    assertThat(p.get("character_name")).isEqualTo("Character 90000003");
    assertThat(Integer.parseInt(p.get("expires_in"))).isPositive();

    try (Connection c = api.appConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT access_token_encrypted, refresh_token_encrypted, character_name"
                    + " FROM users WHERE character_id = 90000003")) {
      ResultSet rs = s.executeQuery();
      assertThat(rs.next()).isTrue();
      byte[] stored = rs.getBytes(1);
      byte[] token = p.get("token").getBytes(StandardCharsets.UTF_8);
      assertThat(stored).isNotEqualTo(token);
      assertThat(new String(stored, StandardCharsets.ISO_8859_1))
          .doesNotContain(p.get("token").substring(0, 20));
      TokenCipher cipher = new TokenCipher(Base64.getDecoder().decode(ApiHarness.TOKEN_KEY));
      assertThat(cipher.decrypt(stored, 90000003)).isEqualTo(p.get("token"));
      assertThat(cipher.decrypt(rs.getBytes(2), 90000003)).isEqualTo(p.get("refresh_token"));
      assertThat(rs.getString(3)).isEqualTo("Character 90000003");
    }

    JsonObject me = api.graphql(ME, null, p.get("token")).getJsonObject("data").getJsonObject("me");
    assertThat(me.getString("id")).isEqualTo("90000003");
    assertThat(me.getString("name")).isEqualTo("Character 90000003");
    assertThat(me.getString("email")).isEmpty();

    // The frontend's RefreshToken operation, unchanged.
    JsonObject refreshed =
        api.graphql(
            Operations.load("graphql__Auth.graphql"),
            new JsonObject().put("refreshToken", p.get("refresh_token")),
            null);
    assertThat(refreshed.getJsonArray("errors")).as(refreshed.encode()).isNull();
    JsonObject payload = refreshed.getJsonObject("data").getJsonObject("refreshToken");
    assertThat(payload.getString("accessToken")).isNotBlank().isNotEqualTo(p.get("token"));
    assertThat(payload.getInteger("expiresIn")).isPositive();
    assertThat(payload.getJsonObject("user").getString("id")).isEqualTo("90000003");
    assertThat(
            api.graphql(ME, null, payload.getString("accessToken"))
                .getJsonObject("data")
                .getJsonObject("me")
                .getString("id"))
        .isEqualTo("90000003");
    // A refresh token the SSO refuses (invalid_grant from the shared SsoClient) is the client's
    // problem.
    JsonObject refused =
        api.graphql(
            Operations.load("graphql__Auth.graphql"),
            new JsonObject().put("refreshToken", "not-a-refresh-token-the-sso-issued"),
            null);
    assertThat(code(refused)).isEqualTo("UNAUTHENTICATED");
    assertThat(refused.getJsonArray("errors").getJsonObject(0).getString("message"))
        .contains("refused the refresh token")
        .doesNotContain("not-a-refresh-token");
  }

  @Test
  void tokensOfARotatedSigningKeyAreAcceptedOnceTheSsoPublishesIt() throws Exception {
    // Its own SSO and API instance: rotating the shared fake's key would change the other tests'
    // tokens.
    FakeSso rotating =
        api.vertx
            .executeBlocking(() -> new FakeSso(api.vertx, null, new FakeSso.Options()))
            .await(30, TimeUnit.SECONDS);
    rotating.start().await(10, TimeUnit.SECONDS);
    try (ApiHarness.Variant variant =
        api.deployVariant(
            Map.of(
                "KILLBOARD_SSO_BASE_URL",
                rotating.baseUrl(),
                "KILLBOARD_SSO_ISSUER",
                rotating.issuer(),
                "KILLBOARD_SSO_CLIENT_ID",
                rotating.clientId(),
                "KILLBOARD_SSO_CLIENT_SECRET",
                rotating.clientSecret(),
                "KILLBOARD_SSO_JWKS_MIN_RELOAD_SECONDS",
                "0"))) {
      String before = rotating.mintAccessToken(90000001L, SCOPES);
      assertThat(myKillmails(variant, before)).as("a token of the first key").isNotEmpty();

      // EVE rotates its signing key: new tokens name a key id the API has not fetched; the old key
      // stays published.
      String oldKey = rotating.signingKeyId();
      rotating.rotateSigningKey();
      assertThat(rotating.signingKeyId()).isNotEqualTo(oldKey);
      String after = rotating.mintAccessToken(90000001L, SCOPES);
      assertThat(myKillmails(variant, after)).as("a token of the new key").isNotEmpty();
      assertThat(myKillmails(variant, before))
          .as("a token of the previous key, still published")
          .isNotEmpty();
      // A token naming the new key id but signed by another key is still refused.
      JsonObject forged =
          variant.graphql(
              MY_KILLMAILS, null, rotating.mintWronglySignedAccessToken(90000001L, SCOPES));
      assertThat(code(forged)).isEqualTo("UNAUTHENTICATED");
      assertThat(
              forged.getJsonObject("data") == null
                  || forged.getJsonObject("data").getValue("myKillmails") == null)
          .as("no data for a forged token: %s", forged.encode())
          .isTrue();
    } finally {
      rotating.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static final String MY_KILLMAILS = "{ myKillmails(limit: 3) { killmailId } }";

  private static JsonArray myKillmails(ApiHarness.Variant variant, String token) {
    JsonObject r = variant.graphql(MY_KILLMAILS, null, token);
    assertThat(r.getJsonArray("errors")).as(r.encode()).isNull();
    return r.getJsonObject("data").getJsonArray("myKillmails");
  }

  @Test
  void authenticateWithCodeChecksTheState() {
    Started started = startSignIn(90000004L);
    String code = query(started.callback()).get("code");
    String state = query(started.callback()).get("state");
    String mutation =
        "mutation($c: String!, $s: String!) { authenticateWithCode(code: $c, state: $s) { accessToken refreshToken expiresIn user { id name } } }";
    JsonObject vars = new JsonObject().put("c", code).put("s", state);
    assertThat(
            code(
                api.graphql(
                    mutation, new JsonObject().put("c", code).put("s", "forged-state"), null)))
        .isEqualTo("LOGIN_STATE_REJECTED");
    // Another browser (no sign-in cookie, or another one) cannot finish it.
    JsonObject noCookie = api.graphql(mutation, vars, null);
    assertThat(code(noCookie)).isEqualTo("LOGIN_STATE_REJECTED");
    assertThat(noCookie.getJsonArray("errors").getJsonObject(0).getString("message"))
        .contains("another browser");
    assertThat(code(graphqlWithCookie(mutation, vars, "killboard_login=AAAAAAAAAAAAAAAAAAAAAA")))
        .isEqualTo("LOGIN_STATE_REJECTED");
    JsonObject ok = graphqlWithCookie(mutation, vars, started.cookie());
    assertThat(ok.getJsonArray("errors")).as(ok.encode()).isNull();
    assertThat(
            ok.getJsonObject("data")
                .getJsonObject("authenticateWithCode")
                .getJsonObject("user")
                .getString("id"))
        .isEqualTo("90000004");
    // A state works once, even in its own browser.
    JsonObject again = graphqlWithCookie(mutation, vars, started.cookie());
    assertThat(code(again)).isEqualTo("LOGIN_STATE_REJECTED");
    assertThat(again.getJsonArray("errors").getJsonObject(0).getString("message"))
        .contains("already used");
  }

  @Test
  void theCallbackAcceptsAStateOnceAndOnlyFromItsBrowser() {
    Started started = startSignIn(90000005L);
    HttpResponse<String> otherBrowser = get(started.callback());
    assertThat(otherBrowser.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(otherBrowser.body()).getString("code"))
        .isEqualTo("LOGIN_STATE_REJECTED");
    assertThat(get(started.callback(), started.cookie()).statusCode()).isEqualTo(302);
    HttpResponse<String> replay = get(started.callback(), started.cookie());
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(replay.body()).getString("message")).contains("already used");
  }

  private JsonObject graphqlWithCookie(String query, JsonObject variables, String cookie) {
    HttpResponse<String> r =
        api.send(
            HttpRequest.newBuilder(URI.create(api.baseUrl() + "/graphql"))
                .header("Content-Type", "application/json")
                .header("Cookie", cookie)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("query", query).put("variables", variables).encode()))
                .build());
    return new JsonObject(r.body());
  }

  @Test
  void callbackWithoutCodeOrStateIs400() {
    HttpResponse<String> r = get(api.baseUrl() + "/auth/callback?state=abc");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("error"))
        .isEqualTo("Missing code or state parameter");
    assertThat(get(api.baseUrl() + "/auth/callback?code=abc").statusCode()).isEqualTo(400);
    assertThat(get(api.baseUrl() + "/auth/callback?code=abc&state=forged").statusCode())
        .isEqualTo(400);
  }

  @Test
  void validTokenWithoutStoredUserIsKnownButHasNoUser() {
    String token = api.sso.mintAccessToken(90000002L, SCOPES);
    JsonObject r = api.graphql(ME, null, token);
    assertThat(code(r)).isEqualTo("UNAUTHENTICATED");
    assertThat(r.getJsonArray("errors").getJsonObject(0).getString("message")).contains("sign in");
    // myKillmails only needs a valid token: the character's killmails from the database.
    JsonObject mine =
        api.graphql("{ myKillmails(limit: 3) { killmailId victim { characterId } } }", null, token);
    assertThat(mine.getJsonArray("errors")).as(mine.encode()).isNull();
    assertThat(mine.getJsonObject("data").getJsonArray("myKillmails")).hasSize(3);
    JsonObject corp =
        api.graphql("{ myCorporationKillmails(limit: 2) { killmailId } }", null, token);
    assertThat(corp.getJsonObject("data").getJsonArray("myCorporationKillmails")).hasSize(2);
  }

  @Test
  void badTokensGetAnAuthenticationErrorAndNoUserData() {
    String expired = api.sso.mintExpiredAccessToken(90000001L, SCOPES);
    String wrongSignature = api.sso.mintWronglySignedAccessToken(90000001L, SCOPES);
    String good = api.sso.mintAccessToken(90000001L, SCOPES);
    String tampered =
        good.substring(0, good.indexOf('.') + 1)
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    new JsonObject(
                            new String(
                                Base64.getUrlDecoder().decode(good.split("\\.")[1]),
                                StandardCharsets.UTF_8))
                        .put("sub", "CHARACTER:EVE:90000002")
                        .encode()
                        .getBytes())
            + good.substring(good.lastIndexOf('.'));
    String none =
        Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
            + "."
            + good.split("\\.")[1]
            + ".";
    Map<String, String> cases =
        Map.of(
            "expired",
            expired,
            "wrong signature",
            wrongSignature,
            "malformed",
            "not-a-jwt",
            "tampered",
            tampered,
            "alg none",
            none,
            "garbage segments",
            "a.b.c");
    cases.forEach(
        (name, token) -> {
          JsonObject r = api.graphql("{ me { id } myKillmails { killmailId } }", null, token);
          assertThat(code(r)).as(name).isEqualTo("UNAUTHENTICATED");
          assertThat(r.getJsonObject("data")).as(name).isNull();
        });
    assertThat(
            api.graphql(ME, null, expired)
                .getJsonArray("errors")
                .getJsonObject(0)
                .getString("message"))
        .contains("expired");
    assertThat(
            api.graphql(ME, null, wrongSignature)
                .getJsonArray("errors")
                .getJsonObject(0)
                .getString("message"))
        .contains("signature");
    // Public data is still served to a caller with a bad token, as the original does.
    assertThat(
            api.graphql("{ region(id: 10000001) { name } }", null, expired)
                .getJsonObject("data")
                .getJsonObject("region")
                .getString("name"))
        .isEqualTo("Derelik");
    // No token at all.
    assertThat(code(api.graphql(ME, null, null))).isEqualTo("UNAUTHENTICATED");
  }

  /**
   * Runs {@code query} over graphql-transport-ws after a connection_init carrying {@code payload};
   * the first answer.
   */
  private JsonObject overWebSocket(JsonObject payload, String query) throws Exception {
    try (GraphQLWebSocket ws = GraphQLWebSocket.open(api)) {
      ws.send(new JsonObject().put("type", "connection_init").put("payload", payload));
      assertThat(ws.poll(10, TimeUnit.SECONDS).getString("type")).isEqualTo("connection_ack");
      ws.send(
          new JsonObject()
              .put("id", "q")
              .put("type", "subscribe")
              .put("payload", new JsonObject().put("query", query)));
      JsonObject answer = ws.poll(10, TimeUnit.SECONDS);
      assertThat(answer).as("an answer to the query").isNotNull();
      return answer;
    }
  }

  @Test
  void webSocketConnectionsAuthenticateWithTheTokenOfConnectionInit() throws Exception {
    String query = "{ myKillmails(limit: 2) { killmailId victim { characterId } } }";
    String token = api.sso.mintAccessToken(90000002L, SCOPES);
    JsonObject ok = overWebSocket(new JsonObject().put("Authorization", "Bearer " + token), query);
    assertThat(ok.getString("type")).as(ok.encode()).isEqualTo("next");
    assertThat(ok.getJsonObject("payload").getJsonArray("errors")).as(ok.encode()).isNull();
    assertThat(ok.getJsonObject("payload").getJsonObject("data").getJsonArray("myKillmails"))
        .hasSize(2);

    // A bad token, or none, gets the same authentication error as over HTTP, never another user's
    // data.
    for (JsonObject payload :
        List.of(
            new JsonObject()
                .put(
                    "Authorization", "Bearer " + api.sso.mintExpiredAccessToken(90000002L, SCOPES)),
            new JsonObject().put("authorization", "Bearer not-a-jwt"),
            new JsonObject())) {
      JsonObject refused = overWebSocket(payload, query);
      assertThat(refused.getString("type")).as(refused.encode()).isEqualTo("next");
      assertThat(code(refused.getJsonObject("payload")))
          .as(payload.encode())
          .isEqualTo("UNAUTHENTICATED");
      assertThat(refused.getJsonObject("payload").getJsonObject("data")).isNull();
    }
  }

  @Test
  void syncMutationsQueueJobs() {
    String token = api.sso.mintAccessToken(90000002L, SCOPES);
    JsonObject noUser =
        api.graphql(
                "mutation { syncMyKillmails(input: {clientMutationId: \"m1\"}) { success message syncedCount clientMutationId } }",
                null,
                token)
            .getJsonObject("data")
            .getJsonObject("syncMyKillmails");
    assertThat(noUser.getBoolean("success")).isFalse();
    assertThat(noUser.getString("clientMutationId")).isEqualTo("m1");
    // Admins only (the harness lists character 90000009).
    String admin = api.sso.mintAccessToken(90000009L, SCOPES);
    JsonObject startAnswer =
        api.graphql(
            "mutation { startRegionSync(input: {clientMutationId: \"r\"}) { success message clientMutationId } }",
            null,
            admin);
    assertThat(startAnswer.getJsonArray("errors")).as(startAnswer.encode()).isNull();
    JsonObject start = startAnswer.getJsonObject("data").getJsonObject("startRegionSync");
    assertThat(start.getBoolean("success")).as(start.encode()).isTrue();
    assertThat(start.getString("clientMutationId")).isEqualTo("r");
    JsonObject status =
        api.data("{ workerStatus { queues { name messageCount } } }", null)
            .getJsonObject("workerStatus");
    int regions =
        status.getJsonArray("queues").stream()
            .map(q -> (JsonObject) q)
            .filter(q -> q.getString("name").equals("esi_all_regions_queue"))
            .findFirst()
            .orElseThrow()
            .getInteger("messageCount");
    assertThat(regions).isGreaterThanOrEqualTo(1);
    assertThat(code(api.graphql("mutation { syncMyKillmails(input: {}) { success } }", null, null)))
        .isEqualTo("UNAUTHENTICATED");
    assertThat(
            code(
                api.graphql(
                    "mutation { createUser(input: {name: \"x\", email: \"y\"}) { user { id } } }",
                    null,
                    null)))
        .isEqualTo("NOT_SUPPORTED");
  }
}
