package dev.killboard.fake;

import java.time.Instant;

/**
 * Sizes and seed of a {@link FakeUniverse}. The same spec always generates the same universe, byte
 * for byte.
 *
 * @param seed the random seed every generated value derives from
 * @param regions number of regions
 * @param constellations number of constellations (spread round-robin over the regions)
 * @param systems number of solar systems (spread round-robin over the constellations)
 * @param categories number of item categories; the first is always "Ship" (category 6)
 * @param groups number of item groups (spread round-robin over the categories)
 * @param types number of item types (spread round-robin over the groups)
 * @param alliances number of player alliances; every seventh one is closed (no executor, no
 *     members)
 * @param corporations number of player corporations (at least one per alliance is not required)
 * @param characters number of player characters; must be at least {@code corporations} (each
 *     corporation has a CEO)
 * @param killmails number of historical killmails
 * @param historyEnd time of the newest historical killmail; the history spans the 31 days before it
 */
public record UniverseSpec(
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
    Instant historyEnd) {

  /** End of the default history: fixed, so fixtures do not depend on the day the tests run. */
  public static final Instant DEFAULT_HISTORY_END = Instant.parse("2026-05-01T00:00:00Z");

  /** Validates the sizes; a universe that cannot be generated fails here with the reason. */
  public UniverseSpec {
    positive("regions", regions);
    positive("constellations", constellations);
    positive("systems", systems);
    positive("categories", categories);
    positive("groups", groups);
    positive("types", types);
    positive("corporations", corporations);
    positive("characters", characters);
    if (alliances < 0 || killmails < 0) {
      throw new IllegalArgumentException(
          "alliances and killmails must be >= 0, got " + alliances + " and " + killmails);
    }
    if (characters < corporations) {
      throw new IllegalArgumentException(
          "characters ("
              + characters
              + ") must be >= corporations ("
              + corporations
              + "): every corporation needs a CEO");
    }
    if (historyEnd == null) {
      throw new IllegalArgumentException("historyEnd must be set");
    }
  }

  /**
   * The benchmark shape at a test-friendly killmail count: 3 regions, 10 constellations, 50
   * systems, 5 categories, 13 groups, 200 types, 20 alliances, 100 corporations, 2,000 characters,
   * 1,000 killmails, seed 42.
   */
  public static UniverseSpec defaults() {
    return new UniverseSpec(42, 3, 10, 50, 5, 13, 200, 20, 100, 2000, 1000, DEFAULT_HISTORY_END);
  }

  /** A very small universe for fast unit tests (seed 7). */
  public static UniverseSpec tiny() {
    return new UniverseSpec(7, 2, 4, 12, 4, 8, 40, 4, 12, 60, 120, DEFAULT_HISTORY_END);
  }

  /** This spec with another seed. */
  public UniverseSpec withSeed(long newSeed) {
    return new UniverseSpec(
        newSeed,
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
        historyEnd);
  }

  /** This spec with another number of historical killmails. */
  public UniverseSpec withKillmails(int count) {
    return new UniverseSpec(
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
        count,
        historyEnd);
  }

  /** This spec with another history end (for a demo whose killmails look recent). */
  public UniverseSpec withHistoryEnd(Instant end) {
    return new UniverseSpec(
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
        end);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
