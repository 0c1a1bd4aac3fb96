package dev.killboard.api.config;

/**
 * The limits every request runs under: query depth and complexity, page size, body size, statement and request
 * time, the exact-count ceiling and the longest accepted search text.
 */
public record QueryLimits(
    int maxDepth,
    int maxComplexity,
    int defaultPageSize,
    int maxPageSize,
    int maxBodyBytes,
    int statementTimeoutMillis,
    int requestTimeoutMillis,
    int exactCountCeiling,
    int maxSearchLength) {

  /** Defaults: depth 15, complexity 20,000, pages 25 (max 100), body 64 KiB, statement 5 s, request 15 s, exact counts to 10,000. */
  public static QueryLimits defaults() {
    return new QueryLimits(15, 20_000, 25, 100, 64 * 1024, 5_000, 15_000, 10_000, 100);
  }

  static QueryLimits fromEnv(EnvReader r) {
    QueryLimits d = defaults();
    int maxPage = r.integer("KILLBOARD_MAX_PAGE_SIZE", d.maxPageSize, 1, 10_000);
    int defaultPage = r.integer("KILLBOARD_DEFAULT_PAGE_SIZE", Math.min(d.defaultPageSize, maxPage), 1, 10_000);
    if (defaultPage > maxPage) {
      throw new ApiConfigException("KILLBOARD_DEFAULT_PAGE_SIZE=" + defaultPage + " is larger than KILLBOARD_MAX_PAGE_SIZE="
          + maxPage + "; lower the default or raise the maximum.");
    }
    int statement = r.integer("KILLBOARD_API_STATEMENT_TIMEOUT_MS", d.statementTimeoutMillis, 100, 600_000);
    int request = r.integer("KILLBOARD_REQUEST_TIMEOUT_MS", d.requestTimeoutMillis, 100, 600_000);
    if (request < statement) {
      throw new ApiConfigException("KILLBOARD_REQUEST_TIMEOUT_MS=" + request + " is shorter than KILLBOARD_API_STATEMENT_TIMEOUT_MS="
          + statement + "; a request must be allowed at least one full statement.");
    }
    return new QueryLimits(
        r.integer("KILLBOARD_MAX_QUERY_DEPTH", d.maxDepth, 2, 100),
        r.integer("KILLBOARD_MAX_QUERY_COMPLEXITY", d.maxComplexity, 10, 10_000_000),
        defaultPage, maxPage,
        r.integer("KILLBOARD_MAX_BODY_BYTES", d.maxBodyBytes, 1024, 16 * 1024 * 1024),
        statement, request,
        r.integer("KILLBOARD_EXACT_COUNT_CEILING", d.exactCountCeiling, 0, 100_000_000),
        r.integer("KILLBOARD_MAX_SEARCH_LENGTH", d.maxSearchLength, 1, 1000));
  }

  @Override
  public String toString() {
    return "limits(depth=" + maxDepth + ", complexity=" + maxComplexity + ", page=" + defaultPageSize + "/" + maxPageSize
        + ", body=" + maxBodyBytes + "B, statement=" + statementTimeoutMillis + "ms, request=" + requestTimeoutMillis
        + "ms, exactCount<=" + exactCountCeiling + ")";
  }
}
