package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.Operations;
import dev.killboard.api.support.Seed;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every query of the original frontend, sent unchanged, answered with the seeded values. */
@ClusterTest
class FrontendOperationsTest {
  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private JsonObject run(String file, String operation, JsonObject variables) {
    JsonObject body =
        new JsonObject().put("query", Operations.load(file)).put("operationName", operation);
    if (variables != null) {
      body.put("variables", variables);
    }
    var r = api.post(body.encode(), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject json = new JsonObject(r.body());
    assertThat(json.getJsonArray("errors")).as(r.body()).isNull();
    return json.getJsonObject("data");
  }

  @Test
  void killmailsPageNewestFirst() {
    JsonObject data =
        run(
            "graphql__Killmails.graphql",
            "Killmails",
            new JsonObject().put("filter", new JsonObject().put("limit", 5)));
    JsonObject conn = data.getJsonObject("killmails");
    JsonArray edges = conn.getJsonArray("edges");
    assertThat(edges).hasSize(5);
    List<Seed.Killmail> expected =
        Seed.KILLMAILS.stream()
            .sorted(Comparator.comparing(Seed.Killmail::time).reversed())
            .limit(5)
            .toList();
    for (int i = 0; i < 5; i++) {
      JsonObject node = edges.getJsonObject(i).getJsonObject("node");
      Seed.Killmail k = expected.get(i);
      assertThat(node.getString("id")).isEqualTo(Integer.toString(k.id()));
      assertThat(node.getInteger("killmailId")).isEqualTo(k.id());
      assertThat(node.getString("killmailTime"))
          .isEqualTo(k.time().toString().replace("Z", ".000Z"));
      assertThat(node.getInteger("solarSystemId")).isEqualTo(k.systemId());
      Seed.SolarSystem system = Seed.system(k.systemId());
      JsonObject ss = node.getJsonObject("solarSystem");
      assertThat(ss.getString("name")).isEqualTo(system.name());
      assertThat(ss.getDouble("security_status")).isEqualTo(system.security());
      Seed.Constellation constellation = Seed.constellation(system.constellationId());
      assertThat(ss.getJsonObject("constellation").getString("name"))
          .isEqualTo(constellation.name());
      assertThat(ss.getJsonObject("constellation").getJsonObject("region").getString("name"))
          .isEqualTo(Seed.region(constellation.regionId()).name());
      JsonObject victim = node.getJsonObject("victim");
      assertThat(victim.getInteger("characterId")).isEqualTo(k.victimCharacterId());
      assertThat(victim.getJsonObject("character").getString("name"))
          .isEqualTo(Seed.character(k.victimCharacterId()).name());
      assertThat(victim.getInteger("shipTypeId")).isEqualTo(k.victimShipTypeId());
      assertThat(victim.getJsonObject("shipType").getString("name"))
          .isEqualTo(Seed.type(k.victimShipTypeId()).name());
      assertThat(victim.getJsonObject("shipType").getJsonObject("group").getString("name"))
          .isEqualTo(Seed.group(Seed.type(k.victimShipTypeId()).groupId()).name());
      assertThat(victim.getInteger("damageTaken")).isEqualTo(k.damageTaken());
      if (k.victimAllianceId() != null) {
        assertThat(victim.getJsonObject("alliance").getString("name"))
            .isEqualTo(Seed.alliance(k.victimAllianceId()).name());
      } else {
        assertThat(victim.getValue("alliance")).isNull();
      }
      JsonArray attackers = node.getJsonArray("attackers");
      assertThat(attackers).hasSize(k.attackers().size());
      Seed.Attacker first = k.attackers().get(0);
      assertThat(attackers.getJsonObject(0).getInteger("characterId"))
          .isEqualTo(first.characterId());
      assertThat(attackers.getJsonObject(0).getJsonObject("character").getString("name"))
          .isEqualTo(Seed.character(first.characterId()).name());
      assertThat(attackers.getJsonObject(0).getBoolean("finalBlow")).isTrue();
      assertThat(attackers.getJsonObject(0).getInteger("damageDone")).isEqualTo(first.damage());
      assertThat(edges.getJsonObject(i).getString("cursor")).isNotBlank();
    }
    JsonObject pageInfo = conn.getJsonObject("pageInfo");
    assertThat(pageInfo.getInteger("totalCount")).isEqualTo(Seed.KILLMAIL_COUNT);
    assertThat(pageInfo.getInteger("totalPages")).isEqualTo((Seed.KILLMAIL_COUNT + 4) / 5);
    assertThat(pageInfo.getInteger("currentPage")).isEqualTo(1);
    assertThat(pageInfo.getBoolean("hasNextPage")).isTrue();
    assertThat(pageInfo.getBoolean("hasPreviousPage")).isFalse();
  }

  @Test
  void killmailWithEverything() {
    Seed.Killmail k = Seed.killmail(Seed.FIRST_KILLMAIL + 6);
    JsonObject km =
        run(
                "graphql__Killmail.graphql",
                "Killmail",
                new JsonObject().put("id", Integer.toString(k.id())))
            .getJsonObject("killmail");
    assertThat(km.getString("killmailHash")).isEqualTo(k.hash());
    assertThat(km.getJsonObject("solarSystem").getString("security_class"))
        .isEqualTo(Seed.system(k.systemId()).securityClass());
    JsonObject victim = km.getJsonObject("victim");
    assertThat(victim.getInteger("corporationId")).isEqualTo(k.victimCorporationId());
    assertThat(victim.getJsonObject("corporation").getString("ticker"))
        .isEqualTo(Seed.corporation(k.victimCorporationId()).ticker());
    assertThat(victim.getJsonObject("shipType").getString("description"))
        .isEqualTo(Seed.type(k.victimShipTypeId()).description());
    assertThat(
            victim
                .getJsonObject("shipType")
                .getJsonObject("group")
                .getJsonObject("category")
                .getString("name"))
        .isEqualTo("Ship");
    assertThat(victim.getJsonObject("position").getDouble("x")).isEqualTo(k.id() * 10.0);
    JsonArray attackers = km.getJsonArray("attackers");
    assertThat(attackers).hasSize(k.attackers().size());
    JsonObject npc = attackers.getJsonObject(1);
    assertThat(npc.getValue("characterId")).isNull();
    assertThat(npc.getValue("character")).isNull();
    assertThat(npc.getJsonObject("corporation").getString("name")).isEqualTo("CONCORD");
    assertThat(attackers.getJsonObject(0).getJsonObject("weaponType").getString("name"))
        .isEqualTo("200mm AutoCannon II");
    assertThat(attackers.getJsonObject(0).getDouble("securityStatus"))
        .isCloseTo(k.attackers().get(0).security(), org.assertj.core.data.Offset.offset(1e-6));
    JsonArray items = km.getJsonArray("items");
    assertThat(items).hasSize(k.items().size());
    assertThat(items.getJsonObject(0).getInteger("itemTypeId")).isEqualTo(2889);
    assertThat(items.getJsonObject(0).getInteger("quantityDropped")).isEqualTo(1);
    assertThat(items.getJsonObject(1).getInteger("quantityDestroyed")).isEqualTo(100);
    assertThat(items.getJsonObject(2).getJsonObject("itemType").getString("name"))
        .isEqualTo("Hail S");
  }

  @Test
  void killmailVictimWithoutCorporation() {
    Seed.Killmail k = Seed.killmail(Seed.FIRST_KILLMAIL + 7);
    JsonObject victim =
        run(
                "graphql__Killmail.graphql",
                "Killmail",
                new JsonObject().put("id", Integer.toString(k.id())))
            .getJsonObject("killmail")
            .getJsonObject("victim");
    assertThat(victim.getInteger("corporationId")).isZero();
    assertThat(victim.getValue("corporation")).isNull();
  }

  @Test
  void characterKillmailsFirstAfter() {
    int character = 90000001;
    List<Seed.Killmail> involved =
        Seed.KILLMAILS.stream()
            .filter(
                k ->
                    character == nz(k.victimCharacterId())
                        || k.attackers().stream()
                            .anyMatch(a -> a.characterId() != null && a.characterId() == character))
            .sorted(Comparator.comparing(Seed.Killmail::time).reversed())
            .toList();
    JsonObject page1 =
        run(
                "graphql__CharacterKillmails.graphql",
                "CharacterKillmails",
                new JsonObject().put("characterId", character).put("first", 4))
            .getJsonObject("characterKillmails");
    JsonArray edges = page1.getJsonArray("edges");
    assertThat(edges).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(edges.getJsonObject(i).getJsonObject("node").getInteger("killmailId"))
          .isEqualTo(involved.get(i).id());
    }
    JsonObject info = page1.getJsonObject("pageInfo");
    assertThat(info.getInteger("totalCount")).isEqualTo(involved.size());
    assertThat(info.getInteger("totalPages")).isEqualTo((involved.size() + 3) / 4);
    assertThat(info.getBoolean("hasNextPage")).isTrue();
    assertThat(info.getBoolean("hasPreviousPage")).isFalse();
    String after = edges.getJsonObject(3).getString("cursor");
    JsonObject page2 =
        run(
                "graphql__CharacterKillmails.graphql",
                "CharacterKillmails",
                new JsonObject().put("characterId", character).put("first", 4).put("after", after))
            .getJsonObject("characterKillmails");
    assertThat(
            page2
                .getJsonArray("edges")
                .getJsonObject(0)
                .getJsonObject("node")
                .getInteger("killmailId"))
        .isEqualTo(involved.get(4).id());
    assertThat(page2.getJsonObject("pageInfo").getInteger("currentPage")).isEqualTo(2);
    assertThat(page2.getJsonObject("pageInfo").getBoolean("hasPreviousPage")).isTrue();
  }

  private static int nz(Integer v) {
    return v == null ? 0 : v;
  }

  @Test
  void corporationAndAllianceKillmails() {
    int corporation = 98000002;
    long expectedCorp =
        Seed.KILLMAILS.stream()
            .filter(
                k ->
                    nz(k.victimCorporationId()) == corporation
                        || k.attackers().stream()
                            .anyMatch(
                                a -> a.corporationId() != null && a.corporationId() == corporation))
            .count();
    JsonObject c =
        run(
                "graphql__CorporationKillmails.graphql",
                "CorporationKillmails",
                new JsonObject().put("corporationId", corporation).put("first", 50))
            .getJsonObject("corporationKillmails");
    assertThat(c.getJsonArray("edges")).hasSize((int) expectedCorp);
    assertThat(c.getJsonObject("pageInfo").getInteger("totalCount")).isEqualTo((int) expectedCorp);
    assertThat(c.getJsonObject("pageInfo").getBoolean("hasNextPage")).isFalse();
    int alliance = 99000001;
    long expectedAlliance =
        Seed.KILLMAILS.stream()
            .filter(
                k ->
                    nz(k.victimAllianceId()) == alliance
                        || k.attackers().stream()
                            .anyMatch(a -> a.allianceId() != null && a.allianceId() == alliance))
            .count();
    JsonObject a =
        run(
                "graphql__AllianceKillmails.graphql",
                "AllianceKillmails",
                new JsonObject().put("allianceId", alliance).put("first", 3))
            .getJsonObject("allianceKillmails");
    assertThat(a.getJsonArray("edges")).hasSize(3);
    assertThat(a.getJsonObject("pageInfo").getInteger("totalCount"))
        .isEqualTo((int) expectedAlliance);
    JsonObject firstNode = a.getJsonArray("edges").getJsonObject(0).getJsonObject("node");
    Seed.Killmail newest = Seed.killmail(firstNode.getInteger("killmailId"));
    assertThat(firstNode.getJsonObject("solarSystem").getString("name"))
        .isEqualTo(Seed.system(newest.systemId()).name());
  }

  @Test
  void allianceDetailWithMetrics() {
    JsonObject a =
        run(
                "app__alliances__id__alliance.graphql",
                "Alliance",
                new JsonObject().put("id", 99000001))
            .getJsonObject("alliance");
    assertThat(a.getString("name")).isEqualTo("Test Alliance Please Ignore");
    assertThat(a.getString("date_founded")).isEqualTo("2010-05-05T00:00:00.000Z");
    assertThat(a.getInteger("memberCount")).isEqualTo(140);
    assertThat(a.getInteger("corporationCount")).isEqualTo(2);
    JsonObject m = a.getJsonObject("metrics");
    assertThat(m.getInteger("memberCountDelta1d"))
        .isEqualTo(140 - Seed.allianceMembersDaysAgo(99000001, 1));
    assertThat(m.getInteger("memberCountDelta7d"))
        .isEqualTo(140 - Seed.allianceMembersDaysAgo(99000001, 7));
    assertThat(m.getInteger("memberCountDelta30d"))
        .isEqualTo(140 - Seed.allianceMembersDaysAgo(99000001, 30));
    assertThat(m.getInteger("corporationCountDelta1d")).isZero();
    assertThat(m.getInteger("corporationCountDelta30d")).isEqualTo(1);
    int base7 = Seed.allianceMembersDaysAgo(99000001, 7);
    assertThat(m.getDouble("memberCountGrowthRate7d"))
        .isCloseTo((140 - base7) * 100.0 / base7, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.getDouble("corporationCountGrowthRate30d"))
        .isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(a.getJsonObject("executor").getString("name")).isEqualTo("Dreddit");
    assertThat(a.getJsonObject("createdByCorporation").getInteger("id")).isEqualTo(98000001);
    assertThat(a.getJsonObject("createdBy").getString("name")).isEqualTo("Alice Alpha");
    JsonArray corps = a.getJsonArray("corporations");
    assertThat(corps).hasSize(2);
    assertThat(corps.getJsonObject(0).getString("name")).isEqualTo("Dreddit");
    assertThat(corps.getJsonObject(0).getInteger("member_count")).isEqualTo(100);
    assertThat(corps.getJsonObject(1).getString("name")).isEqualTo("Dreddit Logistics");
    assertThat(corps.getJsonObject(0).getJsonObject("ceo").getString("name"))
        .isEqualTo("Alice Alpha");
  }

  @Test
  void alliancesList() {
    JsonObject conn =
        run(
                "app__alliances__alliances.graphql",
                "Alliances",
                new JsonObject()
                    .put(
                        "filter",
                        new JsonObject().put("orderBy", "memberCountDesc").put("limit", 2)))
            .getJsonObject("alliances");
    JsonArray edges = conn.getJsonArray("edges");
    assertThat(edges.getJsonObject(0).getJsonObject("node").getString("ticker")).isEqualTo("CONDI");
    assertThat(edges.getJsonObject(0).getJsonObject("node").getInteger("memberCount"))
        .isEqualTo(300);
    assertThat(
            edges
                .getJsonObject(0)
                .getJsonObject("node")
                .getJsonObject("metrics")
                .getInteger("memberCountDelta7d"))
        .isEqualTo(14);
    assertThat(edges.getJsonObject(1).getJsonObject("node").getString("ticker")).isEqualTo("TEST");
    assertThat(conn.getJsonObject("pageInfo").getInteger("totalCount"))
        .isEqualTo(Seed.ALLIANCES.size());
    assertThat(conn.getJsonObject("pageInfo").getInteger("totalPages")).isEqualTo(2);
    // The closed alliance has no executor: it is still listed, with executor null.
    JsonObject closed =
        run(
                "app__alliances__id__alliance.graphql",
                "Alliance",
                new JsonObject().put("id", 99000003))
            .getJsonObject("alliance");
    assertThat(closed.getValue("executor")).isNull();
    assertThat(closed.getInteger("memberCount")).isZero();
  }

  @Test
  void characterDetailAndList() {
    JsonObject ch =
        run(
                "app__characters__id__Character.graphql",
                "Character",
                new JsonObject().put("id", 90000001))
            .getJsonObject("character");
    assertThat(ch.getString("name")).isEqualTo("Alice Alpha");
    assertThat(ch.getString("birthday")).isEqualTo("2010-01-01T10:00:00.000Z");
    assertThat(ch.getDouble("security_status")).isEqualTo(5.0);
    assertThat(ch.getString("gender")).isEqualTo("female");
    assertThat(ch.getString("title")).isEqualTo("Director");
    assertThat(ch.getJsonObject("corporation").getInteger("member_count")).isEqualTo(100);
    assertThat(ch.getJsonObject("alliance").getInteger("memberCount")).isEqualTo(140);
    assertThat(ch.getJsonObject("race").getString("name")).isEqualTo("Minmatar");
    assertThat(ch.getJsonObject("bloodline").getString("name")).isEqualTo("Brutor");
    JsonObject list =
        run(
                "app__characters__Characters.graphql",
                "Characters",
                new JsonObject()
                    .put("filter", new JsonObject().put("orderBy", "securityStatusDesc")))
            .getJsonObject("characters");
    JsonArray edges = list.getJsonArray("edges");
    assertThat(edges.getJsonObject(0).getJsonObject("node").getString("name"))
        .isEqualTo("Alice Alpha");
    assertThat(edges.getJsonObject(2).getJsonObject("node").getString("name"))
        .isEqualTo("Bob Bravo");
    assertThat(edges.getJsonObject(3).getJsonObject("node").getValue("security_status")).isNull();
    assertThat(
            edges
                .getJsonObject(2)
                .getJsonObject("node")
                .getJsonObject("alliance")
                .getString("ticker"))
        .isEqualTo("CONDI");
    assertThat(list.getJsonObject("pageInfo").getInteger("totalCount")).isEqualTo(4);
  }

  @Test
  void corporationDetailAndList() {
    JsonObject c =
        run(
                "app__corporations__id__corporation.graphql",
                "Corporation",
                new JsonObject().put("id", 98000002))
            .getJsonObject("corporation");
    assertThat(c.getString("ticker")).isEqualTo("KF");
    assertThat(c.getDouble("tax_rate")).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(c.getValue("url")).isNull();
    assertThat(c.getJsonObject("alliance").getString("name")).isEqualTo("Goonswarm Federation");
    assertThat(c.getJsonObject("ceo").getString("name")).isEqualTo("Bob Bravo");
    assertThat(c.getJsonObject("metrics").getInteger("memberCountDelta7d"))
        .isEqualTo(300 - Seed.corporationMembersDaysAgo(98000002, 7));
    JsonObject list =
        run("app__corporations__corporations.graphql", "Corporations", null)
            .getJsonObject("corporations");
    JsonArray edges = list.getJsonArray("edges");
    // Player corporations only, largest first (CONCORD, an NPC corporation, is not listed).
    assertThat(edges).hasSize(4);
    assertThat(edges.getJsonObject(0).getJsonObject("node").getString("name"))
        .isEqualTo("KarmaFleet");
    assertThat(edges.getJsonObject(3).getJsonObject("node").getString("name"))
        .isEqualTo("Lonely Corp");
    assertThat(edges.getJsonObject(3).getJsonObject("node").getValue("alliance")).isNull();
    assertThat(edges.getJsonObject(0).getString("cursor"))
        .isEqualTo(Base64.getEncoder().encodeToString("98000002".getBytes()));
  }

  @Test
  void regionsAndConstellations() {
    JsonObject regions =
        run("app__regions__regions.graphql", "Regions", null).getJsonObject("regions");
    JsonArray edges = regions.getJsonArray("edges");
    assertThat(edges).hasSize(3);
    JsonObject forge = edges.getJsonObject(1).getJsonObject("node");
    assertThat(forge.getString("name")).isEqualTo("The Forge");
    assertThat(forge.getInteger("constellationCount")).isEqualTo(2);
    assertThat(forge.getInteger("solarSystemCount")).isEqualTo(4);
    JsonObject stats = forge.getJsonObject("securityStats");
    assertThat(stats.getInteger("highSec")).isEqualTo(2);
    assertThat(stats.getInteger("lowSec")).isZero();
    assertThat(stats.getInteger("nullSec")).isEqualTo(1);
    assertThat(stats.getInteger("wormhole")).isEqualTo(1);
    assertThat(stats.getDouble("avgSecurity"))
        .isCloseTo((0.9459 + 0.95 - 0.2) / 3, org.assertj.core.data.Offset.offset(1e-9));
    JsonObject vale = edges.getJsonObject(2).getJsonObject("node");
    assertThat(vale.getInteger("solarSystemCount")).isZero();
    assertThat(vale.getJsonObject("securityStats").getValue("avgSecurity")).isNull();

    JsonObject region =
        run("app__regions__regions.graphql", "Region", new JsonObject().put("id", 10000002))
            .getJsonObject("region");
    assertThat(region.getString("description")).isEqualTo("The Forge is the heart of trade.");
    assertThat(region.getJsonArray("constellations")).hasSize(2);
    assertThat(region.getJsonArray("constellations").getJsonObject(0).getString("name"))
        .isEqualTo("Kimotoro");

    JsonObject cons =
        run(
                "app__constellations__constellations.graphql",
                "Constellations",
                new JsonObject().put("filter", new JsonObject().put("region_id", 10000002)))
            .getJsonObject("constellations");
    assertThat(cons.getJsonArray("edges")).hasSize(2);
    assertThat(
            cons.getJsonArray("edges")
                .getJsonObject(0)
                .getJsonObject("node")
                .getJsonObject("region")
                .getString("name"))
        .isEqualTo("The Forge");
    JsonObject con =
        run(
                "app__constellations__constellations.graphql",
                "Constellation",
                new JsonObject().put("id", 20000001))
            .getJsonObject("constellation");
    assertThat(con.getJsonObject("position").getDouble("x")).isEqualTo(1.5e17);
    assertThat(con.getJsonArray("solarSystems")).hasSize(2);
    assertThat(con.getJsonArray("solarSystems").getJsonObject(0).getString("name"))
        .isEqualTo("Lashesih");
    assertThat(con.getJsonObject("securityStats").getInteger("lowSec")).isEqualTo(1);
  }

  @Test
  void solarSystems() {
    JsonObject list =
        run(
                "app__solar-systems__solarSystems.graphql",
                "SolarSystems",
                new JsonObject()
                    .put(
                        "filter",
                        new JsonObject().put("orderBy", "securityStatusDesc").put("limit", 2)))
            .getJsonObject("solarSystems");
    JsonArray edges = list.getJsonArray("edges");
    assertThat(edges.getJsonObject(0).getJsonObject("node").getString("name"))
        .isEqualTo("Perimeter");
    assertThat(edges.getJsonObject(1).getJsonObject("node").getString("name")).isEqualTo("Jita");
    assertThat(
            edges
                .getJsonObject(1)
                .getJsonObject("node")
                .getJsonObject("constellation")
                .getJsonObject("region")
                .getString("name"))
        .isEqualTo("The Forge");
    assertThat(list.getJsonObject("pageInfo").getInteger("totalCount")).isEqualTo(6);
    JsonObject jita =
        run(
                "app__solar-systems__solarSystems.graphql",
                "SolarSystem",
                new JsonObject().put("id", 30000142))
            .getJsonObject("solarSystem");
    assertThat(jita.getInteger("star_id")).isEqualTo(40009077);
    assertThat(jita.getJsonObject("position").getDouble("z")).isEqualTo(30000142 * 0.5);
  }

  @Test
  void workerStatusReadsTheQueues() {
    JsonObject status =
        run("app__workers__workers.graphql", "WorkerStatus", null).getJsonObject("workerStatus");
    JsonArray queues = status.getJsonArray("queues");
    assertThat(queues.stream().map(q -> ((JsonObject) q).getString("name")))
        .contains("esi_character_info_queue", "esi_user_killmails_queue", "esi_all_systems_queue");
    assertThat(status.getString("timestamp")).endsWith("Z");
  }
}
