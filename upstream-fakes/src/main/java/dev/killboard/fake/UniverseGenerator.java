package dev.killboard.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates the static part of a universe (map, items, factions, alliances, corporations,
 * characters) from a spec. Every random draw happens in a fixed order, so one seed always gives the
 * same tables.
 */
final class UniverseGenerator {
  static final long FIRST_REGION = 10_000_001L;
  static final long FIRST_CONSTELLATION = 20_000_001L;
  static final long FIRST_SYSTEM = 30_000_001L;
  static final long FIRST_GROUP = 25L;
  static final long FIRST_TYPE = 587L;
  static final long FIRST_ALLIANCE = 99_000_001L;
  static final long FIRST_CORPORATION = 98_000_001L;
  static final long FIRST_CHARACTER = 90_000_001L;
  static final long FIRST_NPC_CHARACTER = 3_000_001L;

  private static final long[] CATEGORY_IDS = {6, 7, 8, 18, 22, 65, 4, 17, 20, 87};
  private static final String[] CATEGORY_NAMES = {
    "Ship",
    "Module",
    "Charge",
    "Drone",
    "Deployable",
    "Structure",
    "Material",
    "Commodity",
    "Implant",
    "Fighter"
  };
  private static final String[] SHIP_GROUPS = {
    "Frigate",
    "Cruiser",
    "Battleship",
    "Destroyer",
    "Battlecruiser",
    "Interceptor",
    "Assault Frigate",
    "Heavy Assault Cruiser",
    "Logistics",
    "Stealth Bomber"
  };
  private static final String[] MODULE_GROUPS = {
    "Energy Weapon",
    "Projectile Weapon",
    "Hybrid Weapon",
    "Shield Booster",
    "Armor Repair Unit",
    "Warp Scrambler",
    "Stasis Web",
    "Afterburner"
  };
  private static final String[] CHARGE_GROUPS = {
    "Hybrid Charge", "Projectile Ammo", "Frequency Crystal", "Light Missile", "Heavy Missile"
  };
  private static final String[] CORP_SUFFIXES = {
    "Industries", "Holdings", "Syndicate", "Corp", "Enterprises", "Fleet", "Logistics", "Mining"
  };
  private static final String[] ALLIANCE_SUFFIXES = {
    "Alliance", "Coalition", "Federation", "Collective", "Empire", "Pact"
  };
  private static final String[] SECURITY_CLASSES = {
    "A", "B", "B1", "C", "C1", "D", "E", "F", "G", "H"
  };
  // NPC corporations as ESI knows them (id, name, faction); they appear as NPC attackers and as
  // bloodline corporations.
  static final long[] NPC_CORPORATIONS = {1_000_125L, 1_000_127L, 1_000_124L, 1_000_161L};
  private static final String[] NPC_CORPORATION_NAMES = {
    "CONCORD", "Guristas", "Archangels", "True Creations"
  };
  static final long[] NPC_FACTIONS = {500_006L, 500_010L, 500_011L, 500_019L};
  // Race id, name, faction id; bloodline id, name, race id: the fixed ESI reference data.
  private static final Object[][] RACES = {
    {1, "Caldari", 500_001},
    {2, "Minmatar", 500_002},
    {4, "Amarr", 500_003},
    {8, "Gallente", 500_004}
  };
  private static final Object[][] BLOODLINES = {
    {1, "Deteis", 1},
    {2, "Civire", 1},
    {3, "Sebiestor", 2},
    {4, "Brutor", 2},
    {5, "Amarr", 4},
    {6, "Ni-Kunni", 4},
    {7, "Gallente", 8},
    {8, "Intaki", 8}
  };

  final Map<Long, JsonObject> regions = new LinkedHashMap<>();
  final Map<Long, JsonObject> constellations = new LinkedHashMap<>();
  final Map<Long, JsonObject> systems = new LinkedHashMap<>();
  final Map<Long, JsonObject> categories = new LinkedHashMap<>();
  final Map<Long, JsonObject> groups = new LinkedHashMap<>();
  final Map<Long, JsonObject> types = new LinkedHashMap<>();
  final Map<Long, JsonObject> alliances = new LinkedHashMap<>();
  final Map<Long, List<Long>> allianceMembers = new LinkedHashMap<>();
  final Map<Long, JsonObject> corporations = new LinkedHashMap<>();
  final Map<Long, List<Long>> corporationMembers = new LinkedHashMap<>();
  final Map<Long, JsonObject> characters = new LinkedHashMap<>();
  final List<Long> shipTypes = new ArrayList<>();
  final List<Long> itemTypes = new ArrayList<>();
  final List<Long> playerCharacters = new ArrayList<>();
  final JsonArray races = new JsonArray();
  final JsonArray bloodlines = new JsonArray();

  private final UniverseSpec spec;
  private final Random random;
  private final NameForge names;

  UniverseGenerator(UniverseSpec spec, Random random) {
    this.spec = spec;
    this.random = random;
    this.names = new NameForge(random);
  }

  void generate() {
    items();
    map();
    npcs();
    factionsAndBloodlines();
    playerEntities();
  }

  private void items() {
    for (int c = 0; c < spec.categories(); c++) {
      long id = c < CATEGORY_IDS.length ? CATEGORY_IDS[c] : 1000 + c;
      String name = c < CATEGORY_NAMES.length ? CATEGORY_NAMES[c] : "Category " + id;
      categories.put(
          id,
          new JsonObject()
              .put("category_id", id)
              .put("name", name)
              .put("published", true)
              .put("groups", new JsonArray()));
    }
    List<Long> categoryIds = new ArrayList<>(categories.keySet());
    int[] perCategory = new int[categoryIds.size()];
    for (int g = 0; g < spec.groups(); g++) {
      long id = FIRST_GROUP + g;
      int ci = g % categoryIds.size();
      long categoryId = categoryIds.get(ci);
      String name = names.unique(groupName(categoryId, perCategory[ci]++));
      groups.put(
          id,
          new JsonObject()
              .put("group_id", id)
              .put("name", name)
              .put("category_id", categoryId)
              .put("published", true)
              .put("types", new JsonArray()));
      categories.get(categoryId).getJsonArray("groups").add(id);
    }
    List<Long> groupIds = new ArrayList<>(groups.keySet());
    for (int t = 0; t < spec.types(); t++) {
      long id = FIRST_TYPE + t;
      JsonObject group = groups.get(groupIds.get(t % groupIds.size()));
      long groupId = group.getLong("group_id");
      boolean ship = group.getLong("category_id") == 6L;
      String name =
          names.unique(
              ship
                  ? names.word()
                  : names.word()
                      + " "
                      + group.getString("name")
                      + (random.nextBoolean() ? " I" : " II"));
      JsonObject type =
          new JsonObject()
              .put("type_id", id)
              .put("name", name)
              .put("description", "The " + name + ", generated for Killboard's offline fixtures.")
              .put("group_id", groupId)
              .put("published", true)
              .put(
                  "mass",
                  round(
                      ship
                          ? 1_000_000 + random.nextDouble() * 100_000_000
                          : random.nextDouble() * 5000,
                      1))
              .put(
                  "volume",
                  round(
                      ship ? 10_000 + random.nextDouble() * 400_000 : random.nextDouble() * 50, 2))
              .put("capacity", round(ship ? 100 + random.nextDouble() * 1000 : 0, 1))
              .put("portion_size", group.getLong("category_id") == 8L ? 100 : 1)
              .put("radius", round(ship ? 20 + random.nextDouble() * 400 : 1, 1))
              .put("icon_id", 1000 + random.nextInt(20_000))
              .put("market_group_id", 100 + random.nextInt(2000));
      if (ship) {
        type.put("graphic_id", 30 + random.nextInt(5000));
        type.put("packaged_volume", round(2500 + random.nextDouble() * 50_000, 1));
        shipTypes.add(id);
      } else {
        itemTypes.add(id);
      }
      types.put(id, type);
      group.getJsonArray("types").add(id);
    }
    if (itemTypes.isEmpty()) {
      // A universe with only ships still needs fittable items and weapons.
      itemTypes.addAll(shipTypes);
    }
  }

  private static String groupName(long categoryId, int index) {
    String[] list =
        categoryId == 6
            ? SHIP_GROUPS
            : categoryId == 7 ? MODULE_GROUPS : categoryId == 8 ? CHARGE_GROUPS : null;
    if (list == null) {
      return "Group " + (index + 1);
    }
    return index < list.length
        ? list[index]
        : list[index % list.length] + " " + (index / list.length + 1);
  }

  private void map() {
    for (int r = 0; r < spec.regions(); r++) {
      long id = FIRST_REGION + r;
      String name = names.unique(names.word());
      regions.put(
          id,
          new JsonObject()
              .put("region_id", id)
              .put("name", name)
              .put("description", "The " + name + " region.")
              .put("constellations", new JsonArray()));
    }
    List<Long> regionIds = new ArrayList<>(regions.keySet());
    for (int c = 0; c < spec.constellations(); c++) {
      long id = FIRST_CONSTELLATION + c;
      long regionId = regionIds.get(c % regionIds.size());
      constellations.put(
          id,
          new JsonObject()
              .put("constellation_id", id)
              .put("name", names.unique(names.word()))
              .put("region_id", regionId)
              .put("position", position())
              .put("systems", new JsonArray()));
      regions.get(regionId).getJsonArray("constellations").add(id);
    }
    List<Long> constellationIds = new ArrayList<>(constellations.keySet());
    for (int s = 0; s < spec.systems(); s++) {
      long id = FIRST_SYSTEM + s;
      long constellationId = constellationIds.get(s % constellationIds.size());
      double security = round(random.nextDouble() * 2 - 1, 6);
      JsonObject system =
          new JsonObject()
              .put("system_id", id)
              .put("name", names.unique(names.word() + " " + romanish(s)))
              .put("constellation_id", constellationId)
              .put("security_status", security)
              .put("position", position())
              .put("security_class", SECURITY_CLASSES[random.nextInt(SECURITY_CLASSES.length)])
              .put("star_id", 40_000_000L + s * 100L + 1);
      JsonArray planets = new JsonArray();
      int planetCount = random.nextInt(4);
      for (int p = 0; p < planetCount; p++) {
        planets.add(new JsonObject().put("planet_id", 40_000_000L + s * 100L + 2 + p));
      }
      system.put("planets", planets);
      systems.put(id, system);
      constellations.get(constellationId).getJsonArray("systems").add(id);
    }
  }

  private static String romanish(int index) {
    return Integer.toString(index + 1, 36).toUpperCase();
  }

  private void npcs() {
    for (int i = 0; i < NPC_CORPORATIONS.length; i++) {
      long corpId = NPC_CORPORATIONS[i];
      long ceoId = FIRST_NPC_CHARACTER + i;
      corporations.put(
          corpId,
          new JsonObject()
              .put("name", NPC_CORPORATION_NAMES[i])
              .put("ticker", NPC_CORPORATION_NAMES[i].substring(0, 3).toUpperCase())
              .put("member_count", 0)
              .put("ceo_id", ceoId)
              .put("creator_id", 1)
              .put("tax_rate", 0.0)
              .put("faction_id", NPC_FACTIONS[i])
              .put("description", "An NPC corporation."));
      corporationMembers.put(corpId, new ArrayList<>(List.of(ceoId)));
      characters.put(
          ceoId,
          new JsonObject()
              .put("name", NPC_CORPORATION_NAMES[i] + " Executive")
              .put("corporation_id", corpId)
              .put("birthday", "2003-05-06T00:00:00Z")
              .put("bloodline_id", 1)
              .put("race_id", 1)
              .put("gender", "male"));
    }
  }

  private void factionsAndBloodlines() {
    for (Object[] race : RACES) {
      races.add(
          new JsonObject()
              .put("race_id", race[0])
              .put("name", race[1])
              .put("description", "The " + race[1] + " people.")
              .put("alliance_id", race[2]));
    }
    for (int i = 0; i < BLOODLINES.length; i++) {
      Object[] b = BLOODLINES[i];
      bloodlines.add(
          new JsonObject()
              .put("bloodline_id", b[0])
              .put("name", b[1])
              .put("description", "The " + b[1] + " bloodline.")
              .put("race_id", b[2])
              .put("corporation_id", NPC_CORPORATIONS[i % NPC_CORPORATIONS.length])
              .put("ship_type_id", shipTypes.get(i % shipTypes.size()))
              .put("charisma", 3 + random.nextInt(6))
              .put("intelligence", 3 + random.nextInt(6))
              .put("memory", 3 + random.nextInt(6))
              .put("perception", 3 + random.nextInt(6))
              .put("willpower", 3 + random.nextInt(6)));
    }
  }

  private void playerEntities() {
    int corpCount = spec.corporations();
    long[] corpAlliance = new long[corpCount];
    // Executors first: each open alliance takes the next corporation; alliances left without one
    // count as closed.
    int nextExecutor = 0;
    List<Long> openAlliances = new ArrayList<>();
    long[] executorOf = new long[spec.alliances()];
    for (int a = 0; a < spec.alliances(); a++) {
      long id = FIRST_ALLIANCE + a;
      boolean closed = a % 7 == 6 || nextExecutor >= corpCount;
      if (!closed) {
        executorOf[a] = FIRST_CORPORATION + nextExecutor;
        corpAlliance[nextExecutor++] = id;
        openAlliances.add(id);
      }
      allianceMembers.put(id, new ArrayList<>());
    }
    for (int c = nextExecutor; c < corpCount; c++) {
      if (!openAlliances.isEmpty() && random.nextInt(100) < 65) {
        corpAlliance[c] = openAlliances.get(random.nextInt(openAlliances.size()));
      }
    }
    // Characters: the first one of each corporation is its CEO.
    long[] characterCorp = new long[spec.characters()];
    for (int ch = 0; ch < spec.characters(); ch++) {
      characterCorp[ch] = FIRST_CORPORATION + (ch < corpCount ? ch : random.nextInt(corpCount));
    }
    for (int c = 0; c < corpCount; c++) {
      corporationMembers.put(FIRST_CORPORATION + c, new ArrayList<>());
    }
    for (int ch = 0; ch < spec.characters(); ch++) {
      long id = FIRST_CHARACTER + ch;
      long corpId = characterCorp[ch];
      corporationMembers.get(corpId).add(id);
      playerCharacters.add(id);
      JsonObject bloodline = bloodlines.getJsonObject(random.nextInt(bloodlines.size()));
      JsonObject character =
          new JsonObject()
              .put("name", names.unique(names.word() + " " + names.word()))
              .put("corporation_id", corpId)
              .put("birthday", date(Instant.parse("2003-05-06T00:00:00Z"), 22 * 365))
              .put("bloodline_id", bloodline.getInteger("bloodline_id"))
              .put("race_id", bloodline.getInteger("race_id"))
              .put("gender", random.nextBoolean() ? "male" : "female")
              .put("security_status", round(random.nextDouble() * 15 - 10, 6));
      long allianceId = corpAlliance[(int) (corpId - FIRST_CORPORATION)];
      if (allianceId != 0) {
        character.put("alliance_id", allianceId);
      }
      if (random.nextInt(5) == 0) {
        character.put("title", "Director of " + names.word());
      }
      if (random.nextInt(3) == 0) {
        character.put("description", "Generated pilot number " + (ch + 1) + ".");
      }
      characters.put(id, character);
    }
    for (int c = 0; c < corpCount; c++) {
      long id = FIRST_CORPORATION + c;
      List<Long> members = corporationMembers.get(id);
      String name =
          names.unique(names.word() + " " + CORP_SUFFIXES[random.nextInt(CORP_SUFFIXES.length)]);
      String ticker = names.ticker();
      JsonObject corp =
          new JsonObject()
              .put("name", name)
              .put("ticker", ticker)
              .put("member_count", members.size())
              .put("ceo_id", members.get(0))
              .put("creator_id", members.get(0))
              .put("tax_rate", round(random.nextDouble() * 0.2, 2))
              .put("date_founded", date(Instant.parse("2004-01-01T00:00:00Z"), 21 * 365))
              .put("description", "Corporation " + name + ".")
              .put("home_station_id", 60_000_000L + random.nextInt(20_000))
              .put("shares", 1000)
              .put("war_eligible", random.nextBoolean());
      if (random.nextBoolean()) {
        corp.put("url", "https://example.invalid/" + ticker.toLowerCase());
      }
      if (corpAlliance[c] != 0) {
        corp.put("alliance_id", corpAlliance[c]);
        allianceMembers.get(corpAlliance[c]).add(id);
      }
      corporations.put(id, corp);
    }
    for (int a = 0; a < spec.alliances(); a++) {
      long id = FIRST_ALLIANCE + a;
      boolean open = executorOf[a] != 0;
      long creatorCorp = open ? executorOf[a] : FIRST_CORPORATION + random.nextInt(corpCount);
      JsonObject alliance =
          new JsonObject()
              .put(
                  "name",
                  names.unique(
                      names.word()
                          + " "
                          + ALLIANCE_SUFFIXES[random.nextInt(ALLIANCE_SUFFIXES.length)]))
              .put("ticker", names.ticker())
              .put("creator_id", corporations.get(creatorCorp).getLong("ceo_id"))
              .put("creator_corporation_id", creatorCorp)
              .put("date_founded", date(Instant.parse("2005-01-01T00:00:00Z"), 20 * 365));
      if (open) {
        alliance.put("executor_corporation_id", executorOf[a]);
      }
      alliances.put(id, alliance);
    }
  }

  private JsonObject position() {
    return new JsonObject()
        .put("x", round((random.nextDouble() - 0.5) * 1e17, 0))
        .put("y", round((random.nextDouble() - 0.5) * 1e16, 0))
        .put("z", round((random.nextDouble() - 0.5) * 1e17, 0));
  }

  private String date(Instant from, int spanDays) {
    return from.plus(random.nextInt(spanDays), ChronoUnit.DAYS)
        .plusSeconds(random.nextInt(86_400))
        .toString();
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
