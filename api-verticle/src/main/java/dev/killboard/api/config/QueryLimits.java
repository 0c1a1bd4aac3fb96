package dev.killboard.api.config;

import dev.killboard.config.Env;
import java.time.Duration;
import java.util.Set;

/** The limits every request runs under (docs/configuration.md describes each). */
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
    Duration statementTimeout,
    Duration requestTimeout,
    int exactCountCeiling,
    int maxSearchLength) {

  // Bounded reference data: the frontend's region and constellation filters ask for whole lists.
  private static final Set<String> UNIVERSE_LISTS =
      Set.of("regions", "constellations", "solarSystems", "itemGroups", "categories");

  /** The largest page of the list served by root field {@code field}. */
  public int maxPageSizeOf(String field) {
    return UNIVERSE_LISTS.contains(field)
        ? Math.max(maxUniversePageSize, maxPageSize)
        : maxPageSize;
  }

  static QueryLimits from(Env env) {
    int maxPage =
        env.integer("KILLBOARD_MAX_PAGE_SIZE", 200, 1, 10_000).about("the largest page of a list");
    int defaultPage =
        env.integer("KILLBOARD_DEFAULT_PAGE_SIZE", Math.min(25, maxPage), 1, 10_000)
            .about("the page size when a query names none");
    env.require(
        defaultPage <= maxPage,
        "KILLBOARD_DEFAULT_PAGE_SIZE=%d is larger than KILLBOARD_MAX_PAGE_SIZE=%d; lower the default or raise the maximum."
            .formatted(defaultPage, maxPage));
    int universePage =
        env.integer("KILLBOARD_MAX_UNIVERSE_PAGE_SIZE", Math.max(500, maxPage), 1, 10_000)
            .about("the largest page of the universe lists (regions, systems, item groups)");
    env.require(
        universePage >= maxPage,
        "KILLBOARD_MAX_UNIVERSE_PAGE_SIZE=%d is smaller than KILLBOARD_MAX_PAGE_SIZE=%d; the universe lists must allow at least the ordinary page size."
            .formatted(universePage, maxPage));
    Duration statement =
        env.duration("KILLBOARD_API_STATEMENT_TIMEOUT", "5s", "100ms", "10m")
            .about("the longest SQL statement of the API's connections");
    Duration request =
        env.duration("KILLBOARD_REQUEST_TIMEOUT", "15s", "100ms", "10m")
            .about("the longest GraphQL request");
    env.require(
        request.compareTo(statement) >= 0,
        "KILLBOARD_REQUEST_TIMEOUT=%s is shorter than KILLBOARD_API_STATEMENT_TIMEOUT=%s; a request must be allowed at least one full statement."
            .formatted(Env.human(request), Env.human(statement)));
    return new QueryLimits(
        env.integer("KILLBOARD_MAX_QUERY_DEPTH", 15, 2, 100).about("the deepest query"),
        env.integer("KILLBOARD_MAX_QUERY_TOKENS", 3_000, 100, 15_000)
            .about("the most tokens in a query"),
        env.integer("KILLBOARD_MAX_QUERY_COMPLEXITY", 150_000, 10, 100_000_000)
            .about("the highest query cost"),
        env.integer("KILLBOARD_MAX_ROOT_FIELDS", 20, 1, 1000)
            .about("the most root fields in a query"),
        env.integer("KILLBOARD_MAX_ALIASES", 30, 0, 10_000).about("the most aliases in a query"),
        defaultPage,
        maxPage,
        universePage,
        env.integer("KILLBOARD_MAX_BODY_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024)
            .about("the largest request body"),
        env.integer("KILLBOARD_MAX_RESPONSE_BYTES", 8 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024)
            .about("the largest response"),
        statement,
        request,
        env.integer("KILLBOARD_EXACT_COUNT_CEILING", 10_000, 0, 100_000_000)
            .about("lists count exactly up to this many rows"),
        env.integer("KILLBOARD_MAX_SEARCH_LENGTH", 100, 1, 1000)
            .about("the longest accepted search text"));
  }
}
