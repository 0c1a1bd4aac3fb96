package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-client limits and privileges of issue 10: the cost-based rate limit per address and per
 * signed-in character (429, Retry-After, RATE_LIMITED), admin-only crawl mutations, user records
 * for their owner and admins, the throttle on calls to EVE SSO (the local fake SSO answers them),
 * and 503 for a whole answer lost to a dependency when the client speaks
 * application/graphql-response+json.
 */
@ClusterTest
class ClientLimitsTest {
  static final List<String> SCOPES = List.of("publicData");

  /** The frontend's Killmails page at 200 rows, about 65,000 per call. */
  static final String PAGE = HostileQueryTest.BIG_ALLOWED;

  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private HttpResponse<String> post(String base, String query, String bearer, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/graphql"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(new JsonObject().put("query", query).encode()));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    return api.send(b.build());
  }

  private static JsonObject firstError(HttpResponse<String> r) {
    JsonArray errors = new JsonObject(r.body()).getJsonArray("errors");
    assertThat(errors).as(r.body()).isNotNull().isNotEmpty();
    return errors.getJsonObject(0);
  }

  private static String code(JsonObject response) {
    JsonArray errors = response.getJsonArray("errors");
    assertThat(errors).as(response.encode()).isNotNull();
    return errors.getJsonObject(0).getJsonObject("extensions").getString("code");
  }

  /**
   * Sends {@code query} until refused; returns the refusal and checks that what passed fit the
   * capacity.
   */
  private HttpResponse<String> spendUntilRefused(String base, String bearer, long capacity) {
    long spent = 0;
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> r = post(base, PAGE, bearer, null);
      if (r.statusCode() == 429) {
        long cost = firstError(r).getJsonObject("extensions").getLong("cost");
        assertThat(spent).isLessThanOrEqualTo(capacity).isGreaterThan(capacity - cost - 10);
        return r;
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject body = new JsonObject(r.body());
      assertThat(body.getJsonArray("errors")).as(r.body()).isNull();
      spent += body.getJsonObject("extensions").getJsonObject("cost").getLong("requested");
    }
    throw new AssertionError("never refused after spending " + spent);
  }

  @Test
  void eachAddressAndEachCharacterHasACostBucket() throws Exception {
    try (ApiHarness.Variant limited =
        api.deployVariant(
            Map.of(
                "KILLBOARD_RATE_LIMIT_CAPACITY",
                "150000",
                "KILLBOARD_RATE_LIMIT_PER_SECOND",
                "1"))) {
      HttpResponse<String> refused = spendUntilRefused(limited.baseUrl(), null, 150_000);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isGreaterThan(1000);
      JsonObject error = firstError(refused);
      assertThat(error.getJsonObject("extensions").getString("code")).isEqualTo("RATE_LIMITED");
      assertThat(error.getJsonObject("extensions").getLong("limit")).isEqualTo(150_000L);
      assertThat(error.getJsonObject("extensions").getLong("retryAfterSeconds"))
          .isEqualTo(retryAfter);
      assertThat(new JsonObject(refused.body()).getValue("data")).isNull();
      // The address stays refused; a signed-in character has its own bucket, and spends it the same
      // way.
      assertThat(post(limited.baseUrl(), PAGE, null, null).statusCode()).isEqualTo(429);
      String token = api.sso.mintAccessToken(90000011L, SCOPES);
      assertThat(
              post(limited.baseUrl(), "{ region(id: 10000002) { name } }", token, null)
                  .statusCode())
          .isEqualTo(200);
      spendUntilRefused(limited.baseUrl(), token, 150_000);
      // Another character is not affected.
      String other = api.sso.mintAccessToken(90000012L, SCOPES);
      assertThat(post(limited.baseUrl(), PAGE, other, null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theDefaultBucketServesTheFrontendsHeaviestPageManyTimesOver() {
    // The Killmails page at 200 rows costs about 65,000 (docs/api.md): the default bucket holds 15
    // of them at once.
    assertThat(dev.killboard.api.config.ClientLimits.DEFAULT_RATE_CAPACITY / 65_000)
        .isGreaterThanOrEqualTo(15);
  }

  @Test
  void crawlMutationsNeedAnAdmin() {
    String mutation = "mutation { startTypeSync(input: {}) { success } }";
    assertThat(code(api.graphql(mutation, null, null))).isEqualTo("UNAUTHENTICATED");
    JsonObject notAdmin = api.graphql(mutation, null, api.sso.mintAccessToken(90000001L, SCOPES));
    assertThat(code(notAdmin)).isEqualTo("FORBIDDEN");
    assertThat(notAdmin.getJsonArray("errors").getJsonObject(0).getString("message"))
        .contains("KILLBOARD_ADMIN_CHARACTER_IDS");
    JsonObject admin = api.graphql(mutation, null, api.sso.mintAccessToken(90000009L, SCOPES));
    assertThat(admin.getJsonArray("errors")).as(admin.encode()).isNull();
  }

  @Test
  void userRecordsAreForTheirOwnerAndAdmins() throws Exception {
    try (Connection c = api.appConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO users (character_id, character_name, character_owner_hash,"
                    + " access_token_encrypted, token_expires_at) VALUES (?, ?, 'hash', '\\x01'::bytea, now() + interval '1 hour')"
                    + " ON CONFLICT (character_id) DO NOTHING")) {
      for (int id : new int[] {90000021, 90000022}) {
        s.setInt(1, id);
        s.setString(2, "User " + id);
        s.executeUpdate();
      }
    }
    String users = "{ users { id name } }";
    assertThat(code(api.graphql(users, null, null))).isEqualTo("UNAUTHENTICATED");
    assertThat(code(api.graphql("{ user(id: \"90000021\") { id } }", null, null)))
        .isEqualTo("UNAUTHENTICATED");
    String own = api.sso.mintAccessToken(90000021L, SCOPES);
    JsonArray mine = api.graphql(users, null, own).getJsonObject("data").getJsonArray("users");
    assertThat(mine).hasSize(1);
    assertThat(mine.getJsonObject(0).getString("id")).isEqualTo("90000021");
    assertThat(
            api.graphql("{ user(id: \"90000021\") { name } }", null, own)
                .getJsonObject("data")
                .getJsonObject("user")
                .getString("name"))
        .isEqualTo("User 90000021");
    assertThat(code(api.graphql("{ user(id: \"90000022\") { name } }", null, own)))
        .isEqualTo("FORBIDDEN");
    String admin = api.sso.mintAccessToken(90000009L, SCOPES);
    JsonArray all = api.graphql(users, null, admin).getJsonObject("data").getJsonArray("users");
    assertThat(all.stream().map(u -> ((JsonObject) u).getString("id")))
        .contains("90000021", "90000022");
    assertThat(
            api.graphql("{ user(id: \"90000022\") { name } }", null, admin)
                .getJsonObject("data")
                .getJsonObject("user")
                .getString("name"))
        .isEqualTo("User 90000022");
  }

  @Test
  void callsToEveSsoAreThrottledPerAddress() throws Exception {
    try (ApiHarness.Variant limited =
        api.deployVariant(Map.of("KILLBOARD_SSO_CALLS_PER_MINUTE", "2"))) {
      String refresh =
          "mutation { refreshToken(refreshToken: \"not-a-refresh-token\") { accessToken } }";
      // The fake SSO refuses the grant: the client's problem, and a call made.
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> r = post(limited.baseUrl(), refresh, null, null);
        assertThat(firstError(r).getJsonObject("extensions").getString("code"))
            .as(r.body())
            .isEqualTo("UNAUTHENTICATED");
      }
      HttpResponse<String> third = post(limited.baseUrl(), refresh, null, null);
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(firstError(third).getJsonObject("extensions").getString("code"))
          .isEqualTo("RATE_LIMITED");
      assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 60L);
      // The callback counts too.
      HttpResponse<String> callback =
          api.send(
              HttpRequest.newBuilder(
                      URI.create(limited.baseUrl() + "/auth/callback?code=c&state=s"))
                  .GET()
                  .build());
      assertThat(callback.statusCode()).isEqualTo(400);
    }
  }

  @Test
  void aWholeAnswerLostToADependencyIs503ForGraphqlResponseJsonClients() throws Exception {
    // Nothing listens on this port: the job queues are really unreachable.
    String redis = "redis://127.0.0.1:" + ApiHarness.freePort();
    try (ApiHarness.Variant noRedis = api.deployVariant(Map.of("KILLBOARD_REDIS_URL", redis))) {
      String status = "{ workerStatus { healthy } }";
      HttpResponse<String> spec =
          post(noRedis.baseUrl(), status, null, "application/graphql-response+json");
      assertThat(spec.statusCode()).as(spec.body()).isEqualTo(503);
      assertThat(spec.headers().firstValue("Retry-After")).isPresent();
      assertThat(spec.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/graphql-response+json");
      assertThat(firstError(spec).getJsonObject("extensions").getString("code"))
          .isEqualTo("SERVICE_UNAVAILABLE");
      HttpResponse<String> plain = post(noRedis.baseUrl(), status, null, "application/json");
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(firstError(plain).getJsonObject("extensions").getString("code"))
          .isEqualTo("SERVICE_UNAVAILABLE");
      // A partly served answer stays 200 for both.
      HttpResponse<String> fine =
          post(
              noRedis.baseUrl(),
              "{ region(id: 10000002) { name } }",
              null,
              "application/graphql-response+json");
      assertThat(fine.statusCode()).isEqualTo(200);
    }
  }
}
