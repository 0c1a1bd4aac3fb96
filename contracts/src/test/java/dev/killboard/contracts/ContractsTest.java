package dev.killboard.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
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
  void aGoodKillmailIsReadIntoTypedFieldsAndWrittenBackTheSame() {
    JsonObject esi = killmail(3, 2).put("moon_id", 40000001).put("war_id", 740001);
    JsonObject container = esi.getJsonObject("victim").getJsonArray("items").getJsonObject(1);
    container.put(
        "items",
        new JsonArray()
            .add(
                new JsonObject()
                    .put("item_type_id", 35)
                    .put("flag", 5)
                    .put("quantity_destroyed", 7)
                    .put("singleton", 0)));
    esi.getJsonArray("attackers").getJsonObject(2).remove("character_id");
    Zkb zkb = Zkb.fromJson(zkbJson(), "zkb");

    EsiKillmail k = EsiKillmail.fromJson(1, HASH, esi, zkb);

    assertThat(k.killmailId()).isEqualTo(1);
    assertThat(k.hash()).isEqualTo(HASH);
    assertThat(k.time()).isEqualTo(Instant.parse("2026-04-01T12:00:00Z"));
    assertThat(k.solarSystemId()).isEqualTo(30000142);
    assertThat(k.moonId()).isEqualTo(40000001);
    assertThat(k.warId()).isEqualTo(740001);
    assertThat(k.victim())
        .isEqualTo(
            new EsiKillmail.Victim(
                95465499, 98000001, null, null, 670, 300, new EsiKillmail.Position(1, 2, 3)));
    assertThat(k.attackers()).hasSize(3);
    assertThat(k.attackers().get(0))
        .isEqualTo(
            new EsiKillmail.Attacker(90000000, 98000001, null, null, 587, 2488, 10, true, -1.5));
    assertThat(k.attackers().get(2).characterId()).isNull();
    assertThat(k.attackers().get(2).finalBlow()).isFalse();
    assertThat(k.items()).hasSize(2);
    assertThat(k.items().get(0)).isEqualTo(new EsiKillmail.Item(34, 5, 1000L, null, 0, List.of()));
    assertThat(k.items().get(1).items())
        .containsExactly(new EsiKillmail.Item(35, 5, null, 7L, 0, List.of()));
    assertThat(k.zkb()).isSameAs(zkb);
    assertThat(k.toJson()).isEqualTo(esi);
    assertThat(EsiKillmail.fromJson(1, HASH, k.toJson(), zkb)).isEqualTo(k);
    assertThat(k.withZkb(null).zkb()).isNull();
    assertThatThrownBy(() -> k.items().add(k.items().get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void omittedOptionalFieldsReadAsNullOrTheirDefault() {
    JsonObject esi = killmail(1, 0);
    JsonObject victim = esi.getJsonObject("victim");
    victim.remove("character_id");
    victim.remove("position");
    victim.remove("items");
    JsonObject npc = esi.getJsonArray("attackers").getJsonObject(0);
    for (String f : new String[] {"character_id", "damage_done", "final_blow", "security_status"}) {
      npc.remove(f);
    }
    EsiKillmail k = EsiKillmail.fromJson(1, HASH, esi, null);
    assertThat(k.victim().characterId()).isNull();
    assertThat(k.victim().position()).isNull();
    assertThat(k.items()).isEmpty();
    assertThat(k.moonId()).isNull();
    assertThat(k.attackers().get(0))
        .isEqualTo(new EsiKillmail.Attacker(null, 98000001, null, null, 587, 2488, 0, false, null));
    assertThat(k.zkb()).isNull();
  }

  @Test
  void largeRealKillmailsPassAndEachLimitIsEnforced() {
    EsiKillmail big = EsiKillmail.fromJson(1, HASH, killmail(5000, 30_000), null);
    assertThat(big.attackers()).hasSize(5000);
    assertThat(big.items()).hasSize(30_000);
    assertThat(
            EsiKillmail.fromJson(1, HASH, killmail(KillmailShape.MAX_ATTACKERS, 0), null)
                .attackers())
        .hasSize(32767);

    assertThatThrownBy(() -> read(killmail(KillmailShape.MAX_ATTACKERS + 1, 0)))
        .isInstanceOf(MalformedKillmail.class)
        .hasMessage("attackers must hold 1 to 32767 entries, has 32768");
    assertThatThrownBy(() -> read(killmail(0, 0)))
        .hasMessage("attackers must hold 1 to 32767 entries, has 0");
    assertThatThrownBy(() -> read(killmail(1, KillmailShape.MAX_ITEMS + 1)))
        .hasMessage("more than 100000 items");
    // The limit counts nested items too.
    JsonObject nestedOver = killmail(1, KillmailShape.MAX_ITEMS);
    nestedOver
        .getJsonObject("victim")
        .getJsonArray("items")
        .getJsonObject(0)
        .put("items", new JsonArray().add(item()));
    assertThatThrownBy(() -> read(nestedOver)).hasMessage("more than 100000 items");

    JsonObject deep = killmail(1, 0);
    JsonArray level = new JsonArray();
    deep.getJsonObject("victim").put("items", level);
    for (int depth = 1; depth < KillmailShape.MAX_ITEM_DEPTH; depth++) {
      JsonArray inner = new JsonArray();
      level.add(item().put("items", inner));
      level = inner;
    }
    level.add(item());
    EsiKillmail fourLevels = read(deep);
    assertThat(fourLevels.items().get(0).items().get(0).items().get(0).items()).hasSize(1);
    level.getJsonObject(0).put("items", new JsonArray().add(item()));
    assertThatThrownBy(() -> read(deep))
        .hasMessage(
            "victim.items[0].items[0].items[0].items[0].items nests items deeper than 4 levels");
  }

  @Test
  void malformedFieldsAreNamedWithTheRuleTheyBreak() {
    assertThatThrownBy(() -> EsiKillmail.fromJson(2, HASH, killmail(1, 1), null))
        .hasMessage("killmail_id is 1 but 2 was asked for");
    assertThatThrownBy(() -> EsiKillmail.fromJson(0, HASH, killmail(1, 0), null))
        .hasMessage("killmail id 0 is outside 1..2147483647");
    assertThatThrownBy(() -> EsiKillmail.fromJson(1, "nothex", killmail(1, 0), null))
        .hasMessageContaining("is not 40 hexadecimal digits");
    assertBroken(
        k -> k.getJsonObject("victim").put("damage_taken", -5),
        "victim.damage_taken must be at least 0, got -5");
    assertBroken(
        k -> k.getJsonObject("victim").remove("damage_taken"), "missing victim.damage_taken");
    assertBroken(
        k ->
            k.getJsonObject("victim").getJsonArray("items").getJsonObject(0).put("item_type_id", 0),
        "victim.items[0].item_type_id must be a positive id, got 0");
    assertBroken(
        k -> k.getJsonObject("victim").getJsonArray("items").getJsonObject(0).put("flag", "5"),
        "victim.items[0].flag must be a whole number, got 5");
    assertBroken(
        k ->
            k.getJsonObject("victim")
                .getJsonArray("items")
                .getJsonObject(0)
                .put("quantity_dropped", -1),
        "victim.items[0].quantity_dropped must not be negative");
    assertBroken(
        k -> k.put("killmail_time", "1999-01-01T00:00:00Z"),
        "killmail_time '1999-01-01T00:00:00Z' is outside the years 2003-9999");
    assertBroken(
        k -> k.put("killmail_time", "yesterday"),
        "killmail_time 'yesterday' is not an ISO-8601 date-time");
    assertBroken(k -> k.remove("victim"), "missing victim");
    assertBroken(
        k -> k.put("solar_system_id", 3_000_000_000L),
        "solar_system_id 3000000000 is out of range");
    assertBroken(
        k -> k.getJsonArray("attackers").getJsonObject(0).put("final_blow", "yes"),
        "attackers[0].final_blow must be true or false");
    assertBroken(
        k -> k.getJsonArray("attackers").getJsonObject(0).put("security_status", "high"),
        "attackers[0].security_status must be a finite number");
    assertBroken(
        k -> k.getJsonObject("victim").getJsonObject("position").remove("z"),
        "victim.position.z must be a finite number");
    assertBroken(
        k -> k.getJsonObject("victim").put("items", new JsonObject()),
        "victim.items must be an array");
  }

  @Test
  void theZkbBlockHasOneCheck() {
    Zkb zkb = Zkb.fromJson(zkbJson().put("href", "https://esi/killmails/1/"), "zkb");
    assertThat(zkb)
        .isEqualTo(
            new Zkb(
                HASH,
                40000001L,
                1.5e9,
                1e8,
                1.4e9,
                1e8,
                12,
                false,
                true,
                false,
                List.of("pvp", "solo")));
    assertThat(zkb.toJson()).isEqualTo(zkbJson());
    assertThat(Zkb.fromJson(zkb.toJson(), "zkb")).isEqualTo(zkb);
    Zkb bare = Zkb.fromJson(new JsonObject(), "zkb");
    assertThat(bare.hash()).isNull();
    assertThat(bare.labels()).isEmpty();
    assertThatThrownBy(() -> bare.requireHash("[3].zkb")).hasMessage("missing [3].zkb.hash");
    assertThat(zkb.requireHash("zkb")).isSameAs(zkb);

    assertZkbBroken("hash", "abc", "[3].zkb.hash 'abc' is not 40 hexadecimal digits");
    assertZkbBroken("locationID", 0, "[3].zkb.locationID must be a positive id, got 0");
    assertZkbBroken("totalValue", -1.0, "[3].zkb.totalValue must not be negative");
    assertZkbBroken("fittedValue", "1e9", "[3].zkb.fittedValue must be a finite number");
    assertZkbBroken("points", 3_000_000_000L, "[3].zkb.points 3000000000 is out of range");
    assertZkbBroken("npc", 1, "[3].zkb.npc must be true or false");
    assertZkbBroken(
        "labels", new JsonArray().add("pvp").add(1), "[3].zkb.labels must be an array of strings");
    JsonArray many = new JsonArray();
    for (int i = 0; i <= Zkb.MAX_LABELS; i++) {
      many.add("l" + i);
    }
    assertZkbBroken("labels", many, "[3].zkb.labels holds 101 labels, more than 100");
  }

  private static void assertZkbBroken(String field, Object value, String message) {
    assertThatThrownBy(() -> Zkb.fromJson(zkbJson().put(field, value), "[3].zkb"))
        .isInstanceOf(MalformedKillmail.class)
        .hasMessage(message);
  }

  private static void assertBroken(Consumer<JsonObject> breakIt, String message) {
    JsonObject k = killmail(2, 2);
    breakIt.accept(k);
    assertThatThrownBy(() -> read(k)).isInstanceOf(MalformedKillmail.class).hasMessage(message);
  }

  private static EsiKillmail read(JsonObject esi) {
    return EsiKillmail.fromJson(1, HASH, esi, null);
  }

  private static JsonObject zkbJson() {
    return new JsonObject()
        .put("hash", HASH)
        .put("locationID", 40000001L)
        .put("totalValue", 1.5e9)
        .put("fittedValue", 1e8)
        .put("destroyedValue", 1.4e9)
        .put("droppedValue", 1e8)
        .put("points", 12)
        .put("npc", false)
        .put("solo", true)
        .put("awox", false)
        .put("labels", new JsonArray().add("pvp").add("solo"));
  }

  private static JsonObject item() {
    return new JsonObject()
        .put("item_type_id", 34)
        .put("flag", 5)
        .put("quantity_dropped", 1000L)
        .put("singleton", 0);
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
      it.add(item());
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
