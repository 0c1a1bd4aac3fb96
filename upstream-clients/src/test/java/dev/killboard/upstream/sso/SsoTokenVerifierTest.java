package dev.killboard.upstream.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.fake.FakeSso;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.upstream.TestSettings;
import dev.killboard.upstream.UpstreamRetryable;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SsoTokenVerifierTest {
  private static Vertx vertx;
  private static FakeUniverse universe;
  private static FakeUpstreams fakes;
  private static FakeSso sso;
  private static UpstreamSettings settings;
  private static long characterId;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    universe = FakeUniverse.generate(UniverseSpec.tiny());
    fakes =
        FakeUpstreams.start(
                vertx, new FakeUpstreams.Options().universe(universe).separatePorts(true))
            .await(20, TimeUnit.SECONDS);
    sso = fakes.sso();
    settings = TestSettings.forFakes(fakes);
    characterId = universe.playerCharacterIds().get(3);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void validTokensGiveTheirCharacterAndKeysAreFetchedOnce() throws Exception {
    sso.requests().clear();
    try (SsoTokenVerifier verifier = new SsoTokenVerifier(vertx, settings)) {
      for (int i = 0; i < 5; i++) {
        SsoCharacter c =
            verifier
                .verify(sso.mintAccessToken(characterId, List.of("publicData")))
                .await(10, TimeUnit.SECONDS);
        assertThat(c.characterId()).isEqualTo(characterId);
        assertThat(c.scopes()).containsExactly("publicData");
        assertThat(c.owner()).isNotBlank();
        assertThat(c.clientId()).isEqualTo(sso.clientId());
      }
      assertThat(sso.requests().count(FakeSso.JWKS)).isEqualTo(1);
    }
  }

  @Test
  void expiredWronglySignedAndForgedTokensAreRefusedWithTheReason() throws Exception {
    try (SsoTokenVerifier verifier = new SsoTokenVerifier(vertx, settings)) {
      List<String> scopes = List.of("publicData");
      assertRefused(
          verifier,
          sso.mintExpiredAccessToken(characterId, scopes),
          InvalidAccessToken.Reason.EXPIRED);
      assertRefused(
          verifier,
          sso.mintWronglySignedAccessToken(characterId, scopes),
          InvalidAccessToken.Reason.BAD_SIGNATURE);
      JsonObject claims = sso.claimsFor(characterId, scopes, Duration.ofMinutes(10));
      assertRefused(
          verifier,
          sso.sign(claims.copy().put("iss", "https://evil.example")),
          InvalidAccessToken.Reason.WRONG_ISSUER);
      assertRefused(
          verifier,
          sso.sign(claims.copy().put("aud", new JsonArray().add("EVE Online").add("another-app"))),
          InvalidAccessToken.Reason.WRONG_AUDIENCE);
      assertRefused(
          verifier,
          sso.sign(claims.copy().put("aud", sso.clientId())),
          InvalidAccessToken.Reason.WRONG_AUDIENCE);
      assertRefused(
          verifier,
          sso.sign(claims.copy().put("sub", "CORPORATION:EVE:1")),
          InvalidAccessToken.Reason.WRONG_SUBJECT);
      String valid = sso.mintAccessToken(characterId, scopes);
      String[] parts = valid.split("\\.");
      String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".x";
      assertRefused(verifier, none, InvalidAccessToken.Reason.UNSUPPORTED_ALGORITHM);
      String hs256 = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2];
      assertRefused(verifier, hs256, InvalidAccessToken.Reason.UNSUPPORTED_ALGORITHM);
      String otherPayload =
          parts[0]
              + "."
              + b64(claims.copy().put("sub", "CHARACTER:EVE:1").encode())
              + "."
              + parts[2];
      assertRefused(verifier, otherPayload, InvalidAccessToken.Reason.BAD_SIGNATURE);
      for (String junk :
          new String[] {"", "abc", "a.b.c", "a.b", "....", "%%%.%%%.%%%", "x".repeat(20_000)}) {
        assertRefused(verifier, junk, InvalidAccessToken.Reason.MALFORMED);
      }
    }
  }

  @Test
  void aRotatedKeyIsFetchedWhenATokenNamesIt() throws Exception {
    afterRotation(
        Duration.ZERO,
        (verifier, sso) -> {
          assertThat(
                  verifier
                      .verify(sso.mintAccessToken(characterId, List.of("publicData")))
                      .await(10, TimeUnit.SECONDS)
                      .characterId())
              .isEqualTo(characterId);
          assertThat(sso.requests().count(FakeSso.JWKS)).isEqualTo(2);
        });
  }

  @Test
  void anUnknownKeyWithinTheReloadIntervalIsRefusedAsUnknownWithoutAskingTheSso() throws Exception {
    afterRotation(
        Duration.ofHours(1),
        (verifier, sso) -> {
          // Forged key ids must not make the verifier fetch the keys on every request.
          for (int i = 0; i < 3; i++) {
            assertRefused(
                verifier,
                sso.mintAccessToken(characterId, List.of("publicData")),
                InvalidAccessToken.Reason.UNKNOWN_KEY);
          }
          assertThat(sso.requests().count(FakeSso.JWKS)).isEqualTo(1);
        });
  }

  /** What a test checks once its fake SSO has rotated its key. */
  private interface RotationCheck {
    void run(SsoTokenVerifier verifier, FakeSso sso) throws Exception;
  }

  /**
   * Runs {@code check} against a fake SSO of its own (rotating the shared one would disturb the
   * other tests) right after it rotated its signing key, with a verifier that has fetched and used
   * the first key.
   */
  private void afterRotation(Duration minReload, RotationCheck check) throws Exception {
    FakeUpstreams own =
        FakeUpstreams.start(vertx, new FakeUpstreams.Options().universe(universe))
            .await(20, TimeUnit.SECONDS);
    UpstreamSettings ownSettings = TestSettings.forFakes(own);
    try (SsoTokenVerifier verifier =
        new SsoTokenVerifier(
            vertx, ownSettings, ownSettings.ssoClientId(), Clock.systemUTC(), minReload)) {
      assertThat(
              verifier
                  .verify(own.sso().mintAccessToken(characterId, List.of("publicData")))
                  .await(10, TimeUnit.SECONDS)
                  .characterId())
          .isEqualTo(characterId);
      own.sso().rotateSigningKey();
      check.run(verifier, own.sso());
    } finally {
      own.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void unreachableKeysAreRetryableNotARefusal() throws Exception {
    FakeUpstreams gone =
        FakeUpstreams.start(vertx, new FakeUpstreams.Options().universe(universe))
            .await(20, TimeUnit.SECONDS);
    UpstreamSettings goneSettings = TestSettings.forFakes(gone);
    String token = gone.sso().mintAccessToken(characterId, List.of("publicData"));
    gone.close().await(10, TimeUnit.SECONDS);
    try (SsoTokenVerifier verifier = new SsoTokenVerifier(vertx, goneSettings)) {
      assertThatThrownBy(() -> verifier.verify(token).await(10, TimeUnit.SECONDS))
          .isInstanceOf(UpstreamRetryable.class)
          .satisfies(
              e ->
                  assertThat(((UpstreamRetryable) e).reason())
                      .isEqualTo(UpstreamRetryable.Reason.CONNECTION));
    }
  }

  private static void assertRefused(
      SsoTokenVerifier verifier, String token, InvalidAccessToken.Reason reason) {
    assertThatThrownBy(() -> verifier.verify(token).await(10, TimeUnit.SECONDS))
        .isInstanceOf(InvalidAccessToken.class)
        .satisfies(e -> assertThat(((InvalidAccessToken) e).reason()).isEqualTo(reason))
        .satisfies(
            e -> assertThat(token.length() < 20 || !e.getMessage().contains(token)).isTrue());
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
