package dev.killboard.bench.dataset;

import java.time.LocalDate;

/**
 * What the dataset generator writes: the seed, how many of each entity, the last day of the
 * snapshot and killmail window, and the COPY batch size. The same spec always produces the same
 * rows.
 *
 * @param seed the random seed; every row derives from it
 * @param regions regions (ids 10000001…)
 * @param constellations constellations, spread over the regions (ids 20000001…)
 * @param systems solar systems, spread over the constellations (ids 30000001…)
 * @param categories item categories; the first five are Ship, Module, Charge, Drone and Commodity
 * @param groups item groups, spread over the categories
 * @param types item types, spread over the groups (ids 10001…)
 * @param alliances alliances (ids 99000001…)
 * @param corporations corporations; 70 % of them in an alliance (ids 98000001…)
 * @param characters characters, spread over the corporations (ids 90000001…)
 * @param killmails killmails (ids 100000001… in time order)
 * @param killmailDays days the killmails are spread over, ending at {@code endDate}
 * @param snapshotDays days of alliance and corporation snapshots, ending at {@code endDate}
 * @param endDate the last snapshot day; killmails happen before its end
 * @param batchSize killmails per COPY batch (one transaction each)
 */
public record DatasetSpec(
    long seed,
    int regions,
    int constellations,
    int systems,
    int categories,
    int groups,
    int types,
    int alliances,
    int corporations,
    int characters,
    int killmails,
    int killmailDays,
    int snapshotDays,
    LocalDate endDate,
    int batchSize) {

  /** The first killmail id; killmail {@code k} (0-based) has id {@code FIRST_KILLMAIL_ID + k}. */
  public static final int FIRST_KILLMAIL_ID = 100_000_001;

  public DatasetSpec {
    require("regions", regions, 1);
    require("constellations", constellations, regions);
    require("systems", systems, constellations);
    require("categories", categories, 5);
    require("groups", groups, categories);
    require("types", types, groups * 2);
    require("alliances", alliances, 1);
    require("corporations", corporations, alliances * 2);
    require("characters", characters, corporations);
    require("killmails", killmails, 0);
    require("killmailDays", killmailDays, 1);
    require("snapshotDays", snapshotDays, 1);
    require("batchSize", batchSize, 1);
    if (endDate == null) {
      throw new IllegalArgumentException("endDate must be set (the last snapshot day)");
    }
    if ((long) FIRST_KILLMAIL_ID + killmails > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "killmails must be at most "
              + (Integer.MAX_VALUE - FIRST_KILLMAIL_ID)
              + ", was "
              + killmails);
    }
    if (characters > 100_000_000) {
      throw new IllegalArgumentException("characters must be at most 100000000, was " + characters);
    }
  }

  private static void require(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
  }

  /**
   * The benchmark dataset: 3 regions, 10 constellations, 50 systems, 5 categories, 13 groups, 200
   * types, 20 alliances, 100 corporations, 2,000 characters, 20,000 killmails over 31 days, 31 days
   * of snapshots ending 2026-11-01, seed 42.
   */
  public static DatasetSpec defaults() {
    return new DatasetSpec(
        42L,
        3,
        10,
        50,
        5,
        13,
        200,
        20,
        100,
        2_000,
        20_000,
        31,
        31,
        LocalDate.of(2026, 11, 1),
        10_000);
  }

  public DatasetSpec withSeed(long value) {
    return new DatasetSpec(
        value,
        regions,
        constellations,
        systems,
        categories,
        groups,
        types,
        alliances,
        corporations,
        characters,
        killmails,
        killmailDays,
        snapshotDays,
        endDate,
        batchSize);
  }

  public DatasetSpec withKillmails(int value) {
    return new DatasetSpec(
        seed,
        regions,
        constellations,
        systems,
        categories,
        groups,
        types,
        alliances,
        corporations,
        characters,
        value,
        killmailDays,
        snapshotDays,
        endDate,
        batchSize);
  }

  public DatasetSpec withCharacters(int value) {
    return new DatasetSpec(
        seed,
        regions,
        constellations,
        systems,
        categories,
        groups,
        types,
        alliances,
        corporations,
        value,
        killmails,
        killmailDays,
        snapshotDays,
        endDate,
        batchSize);
  }

  public DatasetSpec withEndDate(LocalDate value) {
    return new DatasetSpec(
        seed,
        regions,
        constellations,
        systems,
        categories,
        groups,
        types,
        alliances,
        corporations,
        characters,
        killmails,
        killmailDays,
        snapshotDays,
        value,
        batchSize);
  }

  public DatasetSpec withBatchSize(int value) {
    return new DatasetSpec(
        seed,
        regions,
        constellations,
        systems,
        categories,
        groups,
        types,
        alliances,
        corporations,
        characters,
        killmails,
        killmailDays,
        snapshotDays,
        endDate,
        value);
  }

  /** The id of killmail {@code k} (0-based). */
  public int killmailId(int k) {
    return FIRST_KILLMAIL_ID + k;
  }
}
