package dev.killboard.api.dataloaders;

/** Names of the DataLoaders; each is one batched statement per execution level. */
public final class LoaderNames {
  public static final String REGION = "region";
  public static final String CONSTELLATION = "constellation";
  public static final String SOLAR_SYSTEM = "solarSystem";
  public static final String CONSTELLATIONS_OF_REGION = "constellationsOfRegion";
  public static final String SYSTEMS_OF_CONSTELLATION = "systemsOfConstellation";
  public static final String REGION_STATS = "regionStats";
  public static final String CONSTELLATION_STATS = "constellationStats";
  public static final String CATEGORY = "category";
  public static final String ITEM_GROUP = "itemGroup";
  public static final String TYPE = "type";
  public static final String GROUPS_OF_CATEGORY = "groupsOfCategory";
  public static final String TYPES_OF_GROUP = "typesOfGroup";
  public static final String CHARACTER = "character";
  public static final String RACE = "race";
  public static final String BLOODLINE = "bloodline";
  public static final String ALLIANCE = "alliance";
  public static final String CORPORATION = "corporation";
  public static final String CORPORATIONS_OF_ALLIANCE = "corporationsOfAlliance";
  public static final String ALLIANCE_COUNTS = "allianceCounts";
  public static final String ALLIANCE_METRIC_BASES = "allianceMetricBases";
  public static final String CORPORATION_METRIC_BASES = "corporationMetricBases";
  public static final String ALLIANCE_SNAPSHOTS = "allianceSnapshots";
  public static final String CORPORATION_SNAPSHOTS = "corporationSnapshots";
  public static final String KILLMAIL = "killmail";
  public static final String ATTACKERS_OF_KILLMAIL = "attackersOfKillmail";
  public static final String ITEMS_OF_KILLMAIL = "itemsOfKillmail";

  private LoaderNames() {}
}
