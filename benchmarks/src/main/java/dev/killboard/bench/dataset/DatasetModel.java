package dev.killboard.bench.dataset;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The entities of a dataset (universe, item types, alliances, corporations, characters), derived
 * from the spec alone and held in memory so that killmails can refer to them. Each entity draws
 * from its own random stream, so changing one count does not reshuffle every other entity.
 */
final class DatasetModel {
  /** Random streams: one per kind of entity. */
  static final long UNIVERSE = 1,
      ITEMS = 2,
      ALLIANCES = 3,
      CORPORATIONS = 4,
      CHARACTERS = 5,
      KILLMAILS = 6,
      SNAPSHOTS = 7;

  /** The first five categories, as in EVE. */
  static final int[] CATEGORY_IDS = {6, 7, 8, 18, 17};

  static final String[] CATEGORY_NAMES = {"Ship", "Module", "Charge", "Drone", "Commodity"};
  static final int SHIP = 0, MODULE = 1, CHARGE = 2, DRONE = 3, COMMODITY = 4;
  private static final String[][] GROUP_NAMES = {
    {"Frigate", "Cruiser", "Battleship", "Destroyer", "Battlecruiser", "Interceptor"},
    {
      "Energy Weapon",
      "Projectile Weapon",
      "Shield Booster",
      "Armor Repair Unit",
      "Warp Scrambler",
      "Stasis Web"
    },
    {"Frequency Crystal", "Projectile Ammo", "Hybrid Charge", "Missile"},
    {"Combat Drone", "Logistic Drone", "Mining Drone"},
    {"Cargo Container", "Mineral", "Salvaged Materials"}
  };

  /**
   * NPC attackers fly for this corporation (not in the corporations table, as with real NPC
   * corporations).
   */
  static final int NPC_CORPORATION_ID = 1_000_125;

  static final int[] RACE_IDS = {1, 2, 4, 8};
  static final String[] RACE_NAMES = {"Caldari", "Minmatar", "Amarr", "Gallente"};
  static final int[] BLOODLINE_IDS = {1, 2, 3, 4, 5, 6, 7, 8};
  static final int[] BLOODLINE_RACE = {1, 1, 2, 2, 4, 4, 8, 8};
  static final String[] BLOODLINE_NAMES = {
    "Deteis", "Civire", "Sebiestor", "Brutor", "Amarr", "Ni-Kunni", "Gallente", "Intaki"
  };

  final DatasetSpec spec;
  final Instant windowEnd;

  final int[] regionId, constellationId, constellationRegion, systemId, systemConstellation;
  final String[] regionName, constellationName, systemName;
  final Double[] systemSecurity;

  final int[] categoryId;
  final String[] categoryName;
  final int[] groupId, groupCategory;
  final String[] groupName;
  final int[] typeId, typeGroup;
  final String[] typeName;
  final double[] typePrice;
  final int[] shipTypes, weaponTypes, cargoTypes, containerTypes;

  final int[] allianceId;
  final String[] allianceName, allianceTicker;
  final Instant[] allianceFounded;
  final int[] corporationId, corporationAlliance, corporationMembers, corporationDrift;
  final String[] corporationName, corporationTicker;
  final int[] characterId, characterCorporation;
  final String[] characterName;
  final double[] characterSecurity;

  DatasetModel(DatasetSpec spec) {
    this.spec = spec;
    this.windowEnd = spec.endDate().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);

    SplittableRandom u = random(spec.seed(), UNIVERSE, 0);
    regionId = new int[spec.regions()];
    regionName = new String[spec.regions()];
    for (int i = 0; i < regionId.length; i++) {
      regionId[i] = 10_000_001 + i;
      regionName[i] = Names.words(u, 1) + " " + Names.word(u);
    }
    constellationId = new int[spec.constellations()];
    constellationRegion = new int[spec.constellations()];
    constellationName = new String[spec.constellations()];
    for (int i = 0; i < constellationId.length; i++) {
      constellationId[i] = 20_000_001 + i;
      constellationRegion[i] = i % spec.regions();
      constellationName[i] = Names.word(u);
    }
    systemId = new int[spec.systems()];
    systemConstellation = new int[spec.systems()];
    systemName = new String[spec.systems()];
    systemSecurity = new Double[spec.systems()];
    for (int i = 0; i < systemId.length; i++) {
      systemId[i] = 30_000_001 + i;
      systemConstellation[i] = i % spec.constellations();
      systemName[i] = Names.word(u) + "-" + (1 + u.nextInt(9));
      double kind = u.nextDouble();
      // 40 % high-sec, 30 % low-sec, 25 % null-sec, 5 % wormhole (no security status).
      Double security = null;
      if (kind < 0.40) {
        security = round(0.5 + 0.5 * u.nextDouble());
      } else if (kind < 0.70) {
        security = round(0.05 + 0.44 * u.nextDouble());
      } else if (kind < 0.95) {
        security = round(-u.nextDouble());
      }
      systemSecurity[i] = security;
    }

    SplittableRandom it = random(spec.seed(), ITEMS, 0);
    categoryId = new int[spec.categories()];
    categoryName = new String[spec.categories()];
    for (int i = 0; i < categoryId.length; i++) {
      categoryId[i] = i < CATEGORY_IDS.length ? CATEGORY_IDS[i] : 1_000 + i;
      categoryName[i] = i < CATEGORY_NAMES.length ? CATEGORY_NAMES[i] : Names.word(it);
    }
    groupId = new int[spec.groups()];
    groupCategory = new int[spec.groups()];
    groupName = new String[spec.groups()];
    for (int g = 0; g < groupId.length; g++) {
      groupId[g] = 100 + g;
      int c = g % spec.categories();
      groupCategory[g] = c;
      int nth = g / spec.categories();
      groupName[g] =
          c < GROUP_NAMES.length && nth < GROUP_NAMES[c].length
              ? GROUP_NAMES[c][nth]
              : Names.word(it) + " " + categoryName[c];
    }
    typeId = new int[spec.types()];
    typeGroup = new int[spec.types()];
    typeName = new String[spec.types()];
    typePrice = new double[spec.types()];
    List<Integer> ships = new ArrayList<>(),
        weapons = new ArrayList<>(),
        cargo = new ArrayList<>(),
        containers = new ArrayList<>();
    for (int t = 0; t < typeId.length; t++) {
      typeId[t] = 10_001 + t;
      int g = t % spec.groups();
      typeGroup[t] = g;
      int c = groupCategory[g];
      typeName[t] = Names.word(it) + " " + groupName[g];
      typePrice[t] =
          switch (c) {
            case SHIP -> 500_000 + it.nextDouble() * 300_000_000;
            case MODULE -> 10_000 + it.nextDouble() * 20_000_000;
            default -> 100 + it.nextDouble() * 100_000;
          };
      switch (c) {
        case SHIP -> ships.add(t);
        case MODULE, CHARGE -> {
          weapons.add(t);
          cargo.add(t);
        }
        case COMMODITY -> {
          // The first commodity group holds containers; the rest is cargo.
          if (g == COMMODITY) {
            containers.add(t);
          } else {
            cargo.add(t);
          }
        }
        default -> cargo.add(t);
      }
    }
    shipTypes = ships.stream().mapToInt(Integer::intValue).toArray();
    weaponTypes = weapons.stream().mapToInt(Integer::intValue).toArray();
    cargoTypes = cargo.stream().mapToInt(Integer::intValue).toArray();
    containerTypes = containers.stream().mapToInt(Integer::intValue).toArray();

    SplittableRandom a = random(spec.seed(), ALLIANCES, 0);
    allianceId = new int[spec.alliances()];
    allianceName = new String[spec.alliances()];
    allianceTicker = new String[spec.alliances()];
    allianceFounded = new Instant[spec.alliances()];
    for (int i = 0; i < allianceId.length; i++) {
      allianceId[i] = 99_000_001 + i;
      allianceName[i] = Names.words(a, 2) + " Alliance";
      allianceTicker[i] = Names.ticker(a);
      allianceFounded[i] = windowEnd.minusSeconds(86_400L * (400 + a.nextInt(5_000)));
    }

    SplittableRandom co = random(spec.seed(), CORPORATIONS, 0);
    int corps = spec.corporations();
    int[] charactersPerCorp = new int[corps];
    for (int c = 0; c < spec.characters(); c++) {
      charactersPerCorp[c % corps]++;
    }
    corporationId = new int[corps];
    corporationAlliance = new int[corps];
    corporationMembers = new int[corps];
    corporationDrift = new int[corps];
    corporationName = new String[corps];
    corporationTicker = new String[corps];
    int inAlliance = corps * 7 / 10;
    for (int i = 0; i < corps; i++) {
      corporationId[i] = 98_000_001 + i;
      corporationAlliance[i] = i < inAlliance ? i % spec.alliances() : -1;
      // Not every member is a known character: members = known + unknown.
      corporationMembers[i] = charactersPerCorp[i] + co.nextInt(200);
      corporationDrift[i] = co.nextInt(7) - 3;
      corporationName[i] = Names.words(co, 2) + " Corporation";
      corporationTicker[i] = Names.ticker(co);
    }

    SplittableRandom ch = random(spec.seed(), CHARACTERS, 0);
    characterId = new int[spec.characters()];
    characterCorporation = new int[spec.characters()];
    characterName = new String[spec.characters()];
    characterSecurity = new double[spec.characters()];
    for (int i = 0; i < characterId.length; i++) {
      characterId[i] = 90_000_001 + i;
      characterCorporation[i] = i % corps;
      characterName[i] = Names.words(ch, 2);
      characterSecurity[i] = round(-10 + 15 * ch.nextDouble());
    }
  }

  /** The alliance id of a corporation, or null. */
  Integer allianceOfCorporation(int corporation) {
    int a = corporationAlliance[corporation];
    return a < 0 ? null : allianceId[a];
  }

  /** The index of the corporation that founded alliance {@code a}: its first member corporation. */
  int creatorCorporation(int a) {
    return a;
  }

  /** A corporation's CEO: its first character. */
  int ceo(int corporation) {
    return corporation;
  }

  /**
   * The corporation's member count {@code daysBefore} days before the end date (never negative).
   */
  int membersDaysBefore(int corporation, int daysBefore) {
    return Math.max(
        0, corporationMembers[corporation] - daysBefore * corporationDrift[corporation]);
  }

  LocalDate firstSnapshotDay() {
    return spec.endDate().minusDays(spec.snapshotDays() - 1L);
  }

  /** A random stream for one entity: the seed, the kind of entity and its index, mixed. */
  static SplittableRandom random(long seed, long stream, long index) {
    long h = mix(seed ^ mix(stream * 0x9E3779B97F4A7C15L + index));
    return new SplittableRandom(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
