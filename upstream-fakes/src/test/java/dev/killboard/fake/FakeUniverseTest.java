package dev.killboard.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FakeUniverseTest {
  private static final FakeUniverse UNIVERSE = FakeUniverse.generate(UniverseSpec.defaults());

  @Test
  void sameSeedGivesTheSameUniverseAndTheSameLiveKillmails() {
    FakeUniverse a = FakeUniverse.generate(UniverseSpec.tiny());
    FakeUniverse b = FakeUniverse.generate(UniverseSpec.tiny());
    assertThat(dump(a)).isEqualTo(dump(b));
    assertThat(a.createKillmail().esi()).isEqualTo(b.createKillmail().esi());
    assertThat(a.createKillmail().zkb()).isEqualTo(b.createKillmail().zkb());
  }

  @Test
  void anotherSeedGivesAnotherUniverse() {
    FakeUniverse a = FakeUniverse.generate(UniverseSpec.tiny());
    FakeUniverse c = FakeUniverse.generate(UniverseSpec.tiny().withSeed(8));
    assertThat(dump(a)).isNotEqualTo(dump(c));
  }

  @Test
  void sizesFollowTheSpec() {
    UniverseSpec spec = UniverseSpec.defaults();
    assertThat(UNIVERSE.regionIds()).hasSize(spec.regions());
    assertThat(UNIVERSE.constellationIds()).hasSize(spec.constellations());
    assertThat(UNIVERSE.systemIds()).hasSize(spec.systems());
    assertThat(UNIVERSE.categoryIds()).hasSize(spec.categories());
    assertThat(UNIVERSE.groupIds()).hasSize(spec.groups());
    assertThat(UNIVERSE.typeIds()).hasSize(spec.types());
    assertThat(UNIVERSE.allianceIds()).hasSize(spec.alliances());
    assertThat(UNIVERSE.playerCorporationIds()).hasSize(spec.corporations());
    assertThat(UNIVERSE.playerCharacterIds()).hasSize(spec.characters());
    assertThat(UNIVERSE.killmailCount()).isEqualTo(spec.killmails());
    assertThat(UNIVERSE.races()).hasSize(4);
    assertThat(UNIVERSE.bloodlines()).hasSize(8);
  }

  @Test
  void mapAndItemHierarchiesAreConsistent() {
    for (long regionId : UNIVERSE.regionIds()) {
      for (Object c : UNIVERSE.region(regionId).orElseThrow().getJsonArray("constellations")) {
        JsonObject constellation = UNIVERSE.constellation(((Number) c).longValue()).orElseThrow();
        assertThat(constellation.getLong("region_id")).isEqualTo(regionId);
        for (Object s : constellation.getJsonArray("systems")) {
          assertThat(
                  UNIVERSE
                      .system(((Number) s).longValue())
                      .orElseThrow()
                      .getLong("constellation_id"))
              .isEqualTo(constellation.getLong("constellation_id"));
        }
      }
    }
    for (long typeId : UNIVERSE.typeIds()) {
      JsonObject type = UNIVERSE.type(typeId).orElseThrow();
      JsonObject group = UNIVERSE.group(type.getLong("group_id")).orElseThrow();
      assertThat(longs(group.getJsonArray("types"))).contains(typeId);
      assertThat(
              longs(
                  UNIVERSE
                      .category(group.getLong("category_id"))
                      .orElseThrow()
                      .getJsonArray("groups")))
          .contains(group.getLong("group_id"));
    }
    assertThat(UNIVERSE.shipTypeIds())
        .isNotEmpty()
        .allSatisfy(
            id ->
                assertThat(
                        UNIVERSE
                            .group(UNIVERSE.type(id).orElseThrow().getLong("group_id"))
                            .orElseThrow()
                            .getLong("category_id"))
                    .isEqualTo(6L));
  }

  @Test
  void corporationsAndAlliancesAreConsistent() {
    int closed = 0;
    for (long allianceId : UNIVERSE.allianceIds()) {
      JsonObject alliance = UNIVERSE.alliance(allianceId).orElseThrow();
      List<Long> members = UNIVERSE.allianceCorporations(allianceId).orElseThrow();
      if (!alliance.containsKey("executor_corporation_id")) {
        closed++;
        assertThat(members).isEmpty();
      } else {
        assertThat(members).contains(alliance.getLong("executor_corporation_id"));
      }
      for (long corpId : members) {
        assertThat(UNIVERSE.corporation(corpId).orElseThrow().getLong("alliance_id"))
            .isEqualTo(allianceId);
      }
    }
    assertThat(closed).isPositive();
    for (long corpId : UNIVERSE.playerCorporationIds()) {
      JsonObject corp = UNIVERSE.corporation(corpId).orElseThrow();
      List<Long> members = UNIVERSE.corporationMembers(corpId);
      assertThat(members.get(0)).isEqualTo(corp.getLong("ceo_id"));
      assertThat(corp.getInteger("member_count")).isEqualTo(members.size());
      for (long characterId : members) {
        JsonObject character = UNIVERSE.character(characterId).orElseThrow();
        assertThat(character.getLong("corporation_id")).isEqualTo(corpId);
        assertThat(character.getLong("alliance_id")).isEqualTo(corp.getLong("alliance_id"));
      }
    }
    assertThat(UNIVERSE.playerCharacterIds())
        .allSatisfy(id -> assertThat(id).isGreaterThanOrEqualTo(90_000_000L));
  }

  @Test
  void killmailsHaveTheDocumentedShapeAndResolvableReferences() {
    int nested = 0;
    int withoutCorporation = 0;
    int npcOnly = 0;
    Set<Integer> attackerCounts = new HashSet<>();
    Set<Integer> itemCounts = new HashSet<>();
    String previousTime = "";
    for (long id : UNIVERSE.killmailIds()) {
      FakeKillmail km = UNIVERSE.killmail(id).orElseThrow();
      JsonObject esi = km.esi();
      assertThat(esi.getLong("killmail_id")).isEqualTo(id);
      assertThat(km.hash()).matches("[0-9a-f]{40}");
      assertThat(esi.getString("killmail_time")).isGreaterThanOrEqualTo(previousTime);
      previousTime = esi.getString("killmail_time");
      assertThat(UNIVERSE.system(esi.getLong("solar_system_id"))).isPresent();
      JsonObject victim = esi.getJsonObject("victim");
      assertThat(UNIVERSE.type(victim.getLong("ship_type_id"))).isPresent();
      if (!victim.containsKey("corporation_id")) {
        withoutCorporation++;
      } else {
        assertThat(UNIVERSE.corporation(victim.getLong("corporation_id"))).isPresent();
      }
      JsonArray attackers = esi.getJsonArray("attackers");
      attackerCounts.add(attackers.size());
      assertThat(attackers.size()).isBetween(1, 10);
      long damage = 0;
      int finalBlows = 0;
      boolean anyPlayer = false;
      for (int i = 0; i < attackers.size(); i++) {
        JsonObject a = attackers.getJsonObject(i);
        damage += a.getLong("damage_done");
        finalBlows += a.getBoolean("final_blow") ? 1 : 0;
        if (a.containsKey("character_id")) {
          anyPlayer = true;
          assertThat(UNIVERSE.character(a.getLong("character_id"))).isPresent();
        }
        assertThat(UNIVERSE.corporation(a.getLong("corporation_id"))).isPresent();
      }
      npcOnly += anyPlayer ? 0 : 1;
      assertThat(finalBlows).isEqualTo(1);
      assertThat(victim.getLong("damage_taken")).isEqualTo(damage);
      JsonArray items = victim.getJsonArray("items", new JsonArray());
      itemCounts.add(items.size());
      assertThat(items.size()).isBetween(0, 5);
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        assertThat(UNIVERSE.type(item.getLong("item_type_id"))).isPresent();
        assertThat(item.containsKey("quantity_destroyed") || item.containsKey("quantity_dropped"))
            .isTrue();
        if (item.containsKey("items")) {
          nested++;
        }
      }
      JsonObject zkb = km.zkb();
      assertThat(zkb.getString("hash")).isEqualTo(km.hash());
      assertThat(zkb.getBoolean("npc")).isEqualTo(!anyPlayer);
      assertThat(zkb.getDouble("totalValue"))
          .isCloseTo(
              zkb.getDouble("destroyedValue") + zkb.getDouble("droppedValue"),
              org.assertj.core.data.Offset.offset(0.02));
      assertThat(zkb.getJsonArray("labels").stream().map(String::valueOf).toList())
          .contains(anyPlayer ? "pvp" : "npc");
    }
    assertThat(attackerCounts).contains(1, 10);
    assertThat(itemCounts).contains(0, 5);
    assertThat(nested).isPositive();
    assertThat(withoutCorporation).isPositive();
    assertThat(npcOnly).isPositive();
  }

  @Test
  void involvementIndexesListNewestFirstAndOnlyInvolvedKillmails() {
    long character =
        UNIVERSE.playerCharacterIds().stream()
            .filter(id -> UNIVERSE.killmailsOfCharacter(id).size() > 2)
            .findFirst()
            .orElseThrow();
    List<Long> ids = UNIVERSE.killmailsOfCharacter(character);
    assertThat(ids).isNotEmpty();
    List<Long> sorted = new ArrayList<>(ids);
    sorted.sort((x, y) -> Long.compare(y, x));
    assertThat(ids).isEqualTo(sorted);
    for (long id : ids) {
      assertThat(UNIVERSE.killmail(id).orElseThrow().esi().encode())
          .contains("\"character_id\":" + character + ",");
    }
    long expected =
        UNIVERSE.killmailIds().stream()
            .filter(
                id ->
                    UNIVERSE
                        .killmail(id)
                        .orElseThrow()
                        .esi()
                        .encode()
                        .contains("\"character_id\":" + character + ","))
            .count();
    assertThat(ids).hasSize((int) expected);
  }

  @Test
  void createdKillmailsAreNewerAndIndexed() {
    FakeUniverse universe = FakeUniverse.generate(UniverseSpec.tiny());
    long newest = universe.killmailIds().get(universe.killmailCount() - 1);
    FakeKillmail created = universe.createKillmail();
    assertThat(created.killmailId()).isGreaterThan(newest);
    assertThat(universe.killmail(created.killmailId(), created.hash())).isPresent();
    assertThat(universe.killmail(created.killmailId(), "0".repeat(40))).isEmpty();
    Long victimCorp = created.esi().getJsonObject("victim").getLong("corporation_id");
    if (victimCorp != null) {
      assertThat(universe.killmailsOfCorporation(victimCorp).get(0))
          .isEqualTo(created.killmailId());
    }
  }

  @Test
  void killmailsCreatedAfterCastFromNameOnlyThoseCharacters() {
    FakeUniverse universe = FakeUniverse.generate(UniverseSpec.tiny());
    List<Long> cast = universe.playerCharacterIds().subList(0, 3);
    universe.castFrom(cast);
    for (int i = 0; i < 50; i++) {
      JsonObject esi = universe.createKillmail().esi();
      Long victim = esi.getJsonObject("victim").getLong("character_id");
      if (victim != null) {
        assertThat(cast).contains(victim);
      }
      esi.getJsonArray("attackers")
          .forEach(
              a -> {
                Long attacker = ((JsonObject) a).getLong("character_id");
                if (attacker != null) {
                  assertThat(cast).contains(attacker);
                }
              });
    }
    assertThatThrownBy(() -> universe.castFrom(List.of(-1L)))
        .hasMessageContaining("not player characters");
  }

  @Test
  void impossibleSpecsFailWithTheReason() {
    assertThatThrownBy(
            () ->
                new UniverseSpec(
                    1, 1, 1, 1, 1, 1, 1, 1, 10, 5, 1, UniverseSpec.DEFAULT_HISTORY_END))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("characters (5) must be >= corporations (10)");
    assertThatThrownBy(
            () ->
                new UniverseSpec(1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, UniverseSpec.DEFAULT_HISTORY_END))
        .hasMessageContaining("regions must be >= 1");
  }

  private static List<Long> longs(JsonArray array) {
    return array.stream().map(v -> ((Number) v).longValue()).toList();
  }

  private static String dump(FakeUniverse u) {
    StringBuilder sb = new StringBuilder();
    u.characterIds().forEach(id -> sb.append(u.character(id).orElseThrow().encode()));
    u.corporationIds().forEach(id -> sb.append(u.corporation(id).orElseThrow().encode()));
    u.allianceIds().forEach(id -> sb.append(u.alliance(id).orElseThrow().encode()));
    u.typeIds().forEach(id -> sb.append(u.type(id).orElseThrow().encode()));
    u.systemIds().forEach(id -> sb.append(u.system(id).orElseThrow().encode()));
    u.killmailIds()
        .forEach(
            id ->
                sb.append(u.killmail(id).orElseThrow().esi().encode())
                    .append(u.killmail(id).orElseThrow().zkb().encode()));
    return sb.toString();
  }
}
