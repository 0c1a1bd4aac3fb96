package dev.killboard.queue;

import java.util.List;
import java.util.regex.Pattern;

/** The queue names of the original killboard, kept verbatim so producers and operators see the same names. */
public final class QueueNames {

  public static final String ESI_CHARACTER_INFO = "esi_character_info_queue";
  public static final String ESI_CORPORATION_INFO = "esi_corporation_info_queue";
  public static final String ESI_ALLIANCE_INFO = "esi_alliance_info_queue";
  public static final String ESI_TYPE_INFO = "esi_type_info_queue";
  public static final String ESI_ITEM_GROUP_INFO = "esi_item_group_info_queue";
  public static final String ESI_CATEGORY_INFO = "esi_category_info_queue";
  public static final String ESI_ALLIANCE_CORPORATIONS = "esi_alliance_corporations_queue";
  public static final String ZKILLBOARD_CHARACTER = "zkillboard_character_queue";
  public static final String ESI_USER_KILLMAILS = "esi_user_killmails_queue";
  public static final String ESI_CORPORATION_KILLMAILS = "esi_corporation_killmails_queue";
  public static final String ESI_ALL_REGIONS = "esi_all_regions_queue";
  public static final String ESI_ALL_CONSTELLATIONS = "esi_all_constellations_queue";
  public static final String ESI_ALL_SYSTEMS = "esi_all_systems_queue";

  /** Every queue of the original, in the order its worker status page lists them. */
  public static final List<String> ALL = List.of(
    ESI_CHARACTER_INFO, ESI_CORPORATION_INFO, ESI_ALLIANCE_INFO, ESI_TYPE_INFO, ESI_ITEM_GROUP_INFO,
    ESI_CATEGORY_INFO, ESI_ALLIANCE_CORPORATIONS, ZKILLBOARD_CHARACTER, ESI_USER_KILLMAILS,
    ESI_CORPORATION_KILLMAILS, ESI_ALL_REGIONS, ESI_ALL_CONSTELLATIONS, ESI_ALL_SYSTEMS);

  // Braces are excluded: they would change the Redis Cluster hash tag of the queue's keys.
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");

  private QueueNames() {
  }

  /**
   * Returns {@code name} if it can be used as a queue name.
   *
   * @throws IllegalArgumentException naming the rule when it cannot
   */
  public static String requireValid(String name) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new IllegalArgumentException("queue name " + (name == null ? "null" : "'" + abbreviate(name) + "'")
        + " is invalid: use 1 to 100 characters from A-Z a-z 0-9 _ . - (for example "
        + ESI_CHARACTER_INFO + ")");
    }
    return name;
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
