package dev.killboard.contracts;

import java.util.List;

/**
 * The application's queue names, those of the original killboard kept verbatim so producers and
 * operators see the same names. The job-queue module checks any name's form ({@code
 * dev.killboard.queue.QueueName}); which queues exist is the application's business, so the names
 * live here.
 */
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
  public static final List<String> ALL =
      List.of(
          ESI_CHARACTER_INFO,
          ESI_CORPORATION_INFO,
          ESI_ALLIANCE_INFO,
          ESI_TYPE_INFO,
          ESI_ITEM_GROUP_INFO,
          ESI_CATEGORY_INFO,
          ESI_ALLIANCE_CORPORATIONS,
          ZKILLBOARD_CHARACTER,
          ESI_USER_KILLMAILS,
          ESI_CORPORATION_KILLMAILS,
          ESI_ALL_REGIONS,
          ESI_ALL_CONSTELLATIONS,
          ESI_ALL_SYSTEMS);

  private QueueNames() {}
}
