package dev.killboard.worker;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.config.ConfigurationException;
import dev.killboard.contracts.QueueNames;
import dev.killboard.fake.FakeEsi;
import dev.killboard.fake.FakeSso;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.queue.Priority;
import dev.killboard.testing.ClusterTest;
import dev.killboard.upstream.sso.TokenCipher;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * esi-user-killmails and esi-corporation-killmails with tokens stored (encrypted) as the API stores
 * them.
 */
@ClusterTest
class UserKillmailsTest {
  private WorkerHarness h;
  private FakeUniverse u;
  private TokenCipher cipher;

  @BeforeEach
  void setUp() throws Exception {
    h = WorkerHarness.get();
    h.reset();
    u = h.fakes.universe();
    cipher = TokenCipher.fromEnvironment(h.env);
  }

  private void storeUser(
      long character, Long corporation, String access, String refresh, OffsetDateTime expires)
      throws Exception {
    try (var c = h.db.superuserConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO users (character_id,"
                    + " character_name, character_owner_hash, corporation_id, access_token_encrypted, refresh_token_encrypted,"
                    + " token_expires_at) VALUES (?, 'User', 'owner', ?, ?, ?, ?)")) {
      s.setLong(1, character);
      s.setObject(2, corporation);
      s.setBytes(3, cipher.encrypt(access, (int) character));
      s.setBytes(4, refresh == null ? null : cipher.encrypt(refresh, (int) character));
      s.setObject(5, expires);
      s.executeUpdate();
    }
  }

  private long busiestCharacter() {
    return u.playerCharacterIds().stream()
        .max(Comparator.comparingInt((Long id) -> u.killmailsOfCharacter(id).size()))
        .orElseThrow();
  }

  @Test
  void userKillmailsWithAValidToken() throws Exception {
    long character = busiestCharacter();
    List<Long> expected = u.killmailsOfCharacter(character);
    String token =
        h.fakes.sso().mintAccessToken(character, List.of(FakeSso.SCOPE_CHARACTER_KILLMAILS));
    storeUser(character, null, token, null, OffsetDateTime.now().plusMinutes(15));
    String deployment = h.deploy("esi-user-killmails");
    try {
      await(
          h.queue.enqueue(
              QueueNames.ESI_USER_KILLMAILS,
              new JsonObject().put("characterId", character),
              Priority.HIGH));
      eventually(
          Duration.ofSeconds(30),
          "the user's killmails",
          () ->
              h.count("SELECT count(*) FROM killmails") == expected.size()
                  && h.depth(QueueNames.ESI_USER_KILLMAILS) == 0);
      assertThat(h.count("SELECT last_killmail_id FROM users WHERE character_id = " + character))
          .isEqualTo(expected.stream().mapToLong(Long::longValue).max().orElseThrow());
      assertThat(h.fakes.esi().requests().of(FakeEsi.CHARACTER_RECENT_KILLMAILS))
          .allMatch(r -> ("Bearer " + token).equals(r.header("Authorization")));

      // Next time nothing is new: no killmail is read from ESI again.
      int reads = h.fakes.esi().requests().count(FakeEsi.KILLMAIL);
      await(
          h.queue.enqueue(
              QueueNames.ESI_USER_KILLMAILS,
              new JsonObject().put("characterId", character),
              Priority.HIGH));
      eventually(
          Duration.ofSeconds(30),
          "second sync",
          () ->
              h.fakes.esi().requests().count(FakeEsi.CHARACTER_RECENT_KILLMAILS) >= 2
                  && h.depth(QueueNames.ESI_USER_KILLMAILS) == 0);
      assertThat(h.fakes.esi().requests().count(FakeEsi.KILLMAIL)).isEqualTo(reads);
      assertThat(h.count("SELECT count(*) FROM killmails")).isEqualTo(expected.size());
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void anExpiredTokenIsRefreshedAndTheRotatedRefreshTokenStoredEncrypted() throws Exception {
    long character = busiestCharacter();
    List<String> scopes = List.of(FakeSso.SCOPE_CHARACTER_KILLMAILS);
    String refresh = h.fakes.sso().issueRefreshToken(character, scopes);
    storeUser(
        character,
        null,
        h.fakes.sso().mintExpiredAccessToken(character, scopes),
        refresh,
        OffsetDateTime.now().minusMinutes(1));
    String deployment = h.deploy("esi-user-killmails");
    try {
      await(
          h.queue.enqueue(
              QueueNames.ESI_USER_KILLMAILS,
              new JsonObject().put("characterId", character),
              Priority.HIGH));
      eventually(
          Duration.ofSeconds(30),
          "killmails read with the refreshed token",
          () ->
              h.count("SELECT count(*) FROM killmails")
                  == u.killmailsOfCharacter(character).size());
      assertThat(h.fakes.sso().requests().count(FakeSso.TOKEN)).isEqualTo(1);
      Map<String, Object> row =
          h.rows(
                  "SELECT refresh_token_encrypted, access_token_encrypted, token_expires_at > now()"
                      + " AS fresh FROM users WHERE character_id = "
                      + character)
              .get(0);
      assertThat(row.get("fresh")).isEqualTo(true);
      byte[] stored = (byte[]) row.get("refresh_token_encrypted");
      String rotated = cipher.decrypt(stored, (int) character);
      assertThat(rotated).isNotEqualTo(refresh);
      assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(rotated);
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void corporationKillmailsWithTheDirectorsToken() throws Exception {
    long corporation =
        u.playerCorporationIds().stream()
            .max(Comparator.comparingInt((Long id) -> u.killmailsOfCorporation(id).size()))
            .orElseThrow();
    long ceo = u.corporation(corporation).orElseThrow().getLong("ceo_id");
    List<Long> expected = u.killmailsOfCorporation(corporation);
    storeUser(
        ceo,
        corporation,
        h.fakes.sso().mintAccessToken(ceo, List.of(FakeSso.SCOPE_CORPORATION_KILLMAILS)),
        null,
        OffsetDateTime.now().plusMinutes(15));
    String deployment = h.deploy("esi-corporation-killmails");
    try {
      await(
          h.queue.enqueue(
              QueueNames.ESI_CORPORATION_KILLMAILS,
              new JsonObject().put("characterId", ceo).put("corporationId", corporation),
              Priority.HIGH));
      eventually(
          Duration.ofSeconds(30),
          "the corporation's killmails",
          () ->
              h.count("SELECT count(*) FROM killmails") == expected.size()
                  && h.depth(QueueNames.ESI_CORPORATION_KILLMAILS) == 0);
      assertThat(h.count("SELECT last_corp_killmail_id FROM users WHERE character_id = " + ceo))
          .isEqualTo(expected.stream().mapToLong(Long::longValue).max().orElseThrow());
    } finally {
      h.undeploy(deployment);
    }
  }

  @Test
  void aMissingTokenKeyFailsTheDeploymentNamingIt() {
    JsonObject config = h.options(1, null).getConfig();
    config.getJsonObject("env").putNull("KILLBOARD_TOKEN_KEY");
    Throwable failure =
        h.vertx
            .deployVerticle(
                "worker:esi-user-killmails",
                new io.vertx.core.DeploymentOptions().setConfig(config))
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
            .await();
    assertThat(failure)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KILLBOARD_TOKEN_KEY");
    assertThat(h.budget.pools().stream().map(p -> p.owner()))
        .noneMatch(o -> o.startsWith("esi-user-killmails#"));
  }
}
