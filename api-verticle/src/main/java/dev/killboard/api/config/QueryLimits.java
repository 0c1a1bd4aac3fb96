package dev.killboard.api.config;

import dev.killboard.config.Env;
import java.time.Duration;
import java.util.Set;

/**
 * The limits every request runs under: query depth and cost, root fields and aliases, page sizes,
 * body and response size, statement and request time, the exact-count ceiling and the longest
 * accepted search text.
 */
public record QueryLimits(
    int maxDepth,
    int maxQueryTokens,
    int maxComplexity,
    int maxRootFields,
    int maxAliases,
    int defaultPageSize,
    int maxPageSize,
    int maxUniversePageSize,
    int maxBodyBytes,
    int maxResponseBytes,
    int statementTimeoutMillis,
    int requestTimeoutMillis,
    int exactCountCeiling,
    int maxSearchLength) {

  /**
   * The page lists of bounded reference data (the map of New Eden, item groups and categories):
   * whole lists of them fit in one page of {@link #maxUniversePageSize}, which the frontend's
   * region and constellation filters ask for.
   */
  public static final Set<String> UNIVERSE_LISTS =
      Set.of("regions", "constellations", "solarSystems", "itemGroups", "categories");

  /**
   * Defaults: depth 15, 3,000 query tokens, cost 150,000, 20 root fields, 30 aliases, pages 25 (max
   * 200, universe lists 500), body 64 KiB, response 8 MiB, statement 5 s, request 15 s, exact
   * counts to 10,000.
   */
  public static QueryLimits defaults() {
    return new QueryLimits(
        15,
        3_000,
        150_000,
        20,
        30,
        25,
        200,
        500,
        64 * 1024,
        8 * 1024 * 1024,
        5_000,
        15_000,
        10_000,
        100);
  }

  /** The largest page of the list served by root field {@code field}. */
  public int maxPageSizeOf(String field) {
    return UNIVERSE_LISTS.contains(field)
        ? Math.max(maxUniversePageSize, maxPageSize)
        : maxPageSize;
  }

  /** Reads the {@code KILLBOARD_MAX_*} limits and timeouts. */
  static QueryLimits from(Env env) {
    QueryLimits d = defaults();
    int maxPage =
        env.integer(
            "KILLBOARD_MAX_PAGE_SIZE", d.maxPageSize, 1, 10_000, "the largest page of a list");
    int defaultPage =
        env.integer(
            "KILLBOARD_DEFAULT_PAGE_SIZE",
            Math.min(d.defaultPageSize, maxPage),
            1,
            10_000,
            "the page size when a query names none");
    if (defaultPage > maxPage) {
      env.problem(
          "KILLBOARD_DEFAULT_PAGE_SIZE="
              + defaultPage
              + " is larger than KILLBOARD_MAX_PAGE_SIZE="
              + maxPage
              + "; lower the default or raise the maximum.");
    }
    int universePage =
        env.integer(
            "KILLBOARD_MAX_UNIVERSE_PAGE_SIZE",
            Math.max(d.maxUniversePageSize, maxPage),
            1,
            10_000,
            "the largest page of the universe lists (regions, systems, item groups)");
    if (universePage < maxPage) {
      env.problem(
          "KILLBOARD_MAX_UNIVERSE_PAGE_SIZE="
              + universePage
              + " is smaller than KILLBOARD_MAX_PAGE_SIZE="
              + maxPage
              + "; the universe lists must allow at least the ordinary page size.");
    }
    Duration statement =
        env.duration(
            "KILLBOARD_API_STATEMENT_TIMEOUT",
            Duration.ofSeconds(5),
            Duration.ofMillis(100),
            Duration.ofMinutes(10),
            "the longest SQL statement of the API's connections");
    Duration request =
        env.duration(
            "KILLBOARD_REQUEST_TIMEOUT",
            Duration.ofSeconds(15),
            Duration.ofMillis(100),
            Duration.ofMinutes(10),
            "the longest GraphQL request");
    if (request.compareTo(statement) < 0) {
      env.problem(
          "KILLBOARD_REQUEST_TIMEOUT="
              + Env.human(request)
              + " is shorter than KILLBOARD_API_STATEMENT_TIMEOUT="
              + Env.human(statement)
              + "; a request must be allowed at least one full statement.");
    }
    return new QueryLimits(
        env.integer("KILLBOARD_MAX_QUERY_DEPTH", d.maxDepth, 2, 100, "the deepest query"),
        env.integer(
            "KILLBOARD_MAX_QUERY_TOKENS",
            d.maxQueryTokens,
            100,
            15_000,
            "the most tokens in a query"),
        env.integer(
            "KILLBOARD_MAX_QUERY_COMPLEXITY",
            d.maxComplexity,
            10,
            100_000_000,
            "the highest query cost"),
        env.integer(
            "KILLBOARD_MAX_ROOT_FIELDS",
            d.maxRootFields,
            1,
            1000,
            "the most root fields in a query"),
        env.integer(
            "KILLBOARD_MAX_ALIASES", d.maxAliases, 0, 10_000, "the most aliases in a query"),
        defaultPage,
        maxPage,
        universePage,
        env.integer(
            "KILLBOARD_MAX_BODY_BYTES",
            d.maxBodyBytes,
            1024,
            16 * 1024 * 1024,
            "the largest request body"),
        env.integer(
            "KILLBOARD_MAX_RESPONSE_BYTES",
            d.maxResponseBytes,
            64 * 1024,
            1024 * 1024 * 1024,
            "the largest response"),
        ApiSettings.millis(statement),
        ApiSettings.millis(request),
        env.integer(
            "KILLBOARD_EXACT_COUNT_CEILING",
            d.exactCountCeiling,
            0,
            100_000_000,
            "lists count exactly up to this many rows"),
        env.integer(
            "KILLBOARD_MAX_SEARCH_LENGTH",
            d.maxSearchLength,
            1,
            1000,
            "the longest accepted search text"));
  }

  @Override
  public String toString() {
    return "limits(depth="
        + maxDepth
        + ", tokens="
        + maxQueryTokens
        + ", cost="
        + maxComplexity
        + ", rootFields="
        + maxRootFields
        + ", aliases="
        + maxAliases
        + ", page="
        + defaultPageSize
        + "/"
        + maxPageSize
        + "/"
        + maxUniversePageSize
        + ", body="
        + maxBodyBytes
        + "B, response="
        + maxResponseBytes
        + "B, statement="
        + statementTimeoutMillis
        + "ms, request="
        + requestTimeoutMillis
        + "ms, exactCount<="
        + exactCountCeiling
        + ")";
  }
}
