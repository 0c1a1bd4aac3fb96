package dev.killboard.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ContractsTest {
  private static final String HASH = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void entityJobsAreWrittenWithOneKeyAndOldSpellingsAreStillRead() {
    assertThat(EntityJob.of(95465499).toJson().encode()).isEqualTo("{\"id\":95465499}");
    assertThat(EntityJob.everything().toJson().encode()).isEqualTo("{\"all\":true}");
    assertThat(EntityJob.fromJson(EntityJob.of(7).toJson(), "character"))
        .isEqualTo(EntityJob.of(7));
    assertThat(EntityJob.fromJson(new JsonObject().put("characterId", 7), "character").id())
        .isEqualTo(7);
    assertThat(EntityJob.fromJson(new JsonObject().put("character_id", "7"), "character").id())
        .isEqualTo(7);
    assertThat(EntityJob.fromJson(new JsonObject().put("all", true), "type").all()).isTrue();
    assertThatThrownBy(
            () -> EntityJob.fromJson(new JsonObject().put("corporationId", 7), "character"))
        .hasMessageContaining("names no character");
    assertThatThrownBy(
            () -> EntityJob.fromJson(new JsonObject().put("id", 3_000_000_000L), "character"))
        .hasMessageContaining("'id' = 3000000000 is not a valid EVE id");
    assertThatThrownBy(
            () -> EntityJob.fromJson(new JsonObject().put("id", "x'; DROP"), "character"))
        .hasMessageContaining("'id' must be a positive whole number");
  }

  @Test
  void killmailJobsRoundTrip() {
    CharacterKillmailsJob zkb = new CharacterKillmailsJob(90000001, 3);
    assertThat(CharacterKillmailsJob.fromJson(zkb.toJson())).isEqualTo(zkb);
    assertThat(CharacterKillmailsJob.of(90000001).maxPagesOr(50)).isEqualTo(50);
    assertThatThrownBy(
            () ->
                CharacterKillmailsJob.fromJson(
                    new JsonObject().put("characterId", 1).put("maxPages", 0)))
        .hasMessageContaining("'maxPages' must be at least 1");
    UserKillmailsJob corp = UserKillmailsJob.corporation(90000001, 98000001);
    assertThat(UserKillmailsJob.fromJson(corp.toJson().put("source", "login"))).isEqualTo(corp);
    assertThatThrownBy(() -> UserKillmailsJob.character(90000001).requireCorporationId())
        .hasMessageContaining("no 'corporationId'");
  }

  @Test
  void theNewKillmailEventReadsWhatItWrites() {
    assertThat(NewKillmail.fromJson(new NewKillmail(42).toJson())).isEqualTo(new NewKillmail(42));
    assertThatThrownBy(() -> NewKillmail.fromJson("42")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> NewKillmail.fromJson(new JsonObject().put("killmail_id", 1.5)))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> new NewKillmail(0)).hasMessageContaining("positive");
  }

  @Test
  void theKillmailCheckAcceptsLargeRealKillmailsAndNamesTheFirstBrokenRule() {
    JsonObject big = killmail(5000, 30_000);
    assertThat(new EsiKillmail(1, HASH, big, null).esi()).isSameAs(big);

    assertThatThrownBy(() -> KillmailShape.check(killmail(KillmailShape.MAX_ATTACKERS + 1, 0), 1))
        .isInstanceOf(MalformedKillmail.class)
        .hasMessage("attackers must hold 1 to 32767 entries, has 32768");
    assertThatThrownBy(() -> KillmailShape.check(killmail(1, KillmailShape.MAX_ITEMS + 1), 1))
        .hasMessage("more than 100000 items");
    assertThatThrownBy(() -> KillmailShape.check(killmail(1, 1), 2))
        .hasMessage("killmail_id is 1 but 2 was asked for");
    JsonObject negative = killmail(1, 0);
    negative.getJsonObject("victim").put("damage_taken", -5);
    assertThatThrownBy(() -> KillmailShape.check(negative, 1))
        .hasMessage("victim.damage_taken must be at least 0, got -5");
    JsonObject zeroType = killmail(1, 1);
    zeroType.getJsonObject("victim").getJsonArray("items").getJsonObject(0).put("item_type_id", 0);
    assertThatThrownBy(() -> KillmailShape.check(zeroType, 1))
        .hasMessage("victim.items[0].item_type_id must be a positive id, got 0");
    JsonObject old = killmail(1, 0).put("killmail_time", "1999-01-01T00:00:00Z");
    assertThatThrownBy(() -> KillmailShape.check(old, 1))
        .hasMessageContaining("outside the years 2003-9999");
    assertThatThrownBy(() -> new EsiKillmail(1, "nothex", killmail(1, 0), null))
        .hasMessageContaining("is not 40 hexadecimal digits");
  }

  private static JsonObject killmail(int attackers, int items) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < attackers; i++) {
      a.add(
          new JsonObject()
              .put("character_id", 90000000 + i)
              .put("corporation_id", 98000001)
              .put("damage_done", 10)
              .put("final_blow", i == 0)
              .put("security_status", -1.5)
              .put("ship_type_id", 587)
              .put("weapon_type_id", 2488));
    }
    JsonArray it = new JsonArray();
    for (int i = 0; i < items; i++) {
      it.add(
          new JsonObject()
              .put("item_type_id", 34)
              .put("flag", 5)
              .put("quantity_dropped", 1000L)
              .put("singleton", 0));
    }
    return new JsonObject()
        .put("killmail_id", 1)
        .put("killmail_time", "2026-04-01T12:00:00Z")
        .put("solar_system_id", 30000142)
        .put("attackers", a)
        .put(
            "victim",
            new JsonObject()
                .put("character_id", 95465499)
                .put("corporation_id", 98000001)
                .put("ship_type_id", 670)
                .put("damage_taken", 300)
                .put("items", it)
                .put("position", new JsonObject().put("x", 1.0).put("y", 2.0).put("z", 3.0)));
  }
}
