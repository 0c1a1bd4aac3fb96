package dev.killboard.api.limits;

import dev.killboard.api.errors.ErrorCode;
import graphql.analysis.FieldComplexityCalculator;
import graphql.analysis.FieldComplexityEnvironment;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.execution.AbortExecutionException;
import java.util.Map;

/**
 * graphql-java's complexity check with a cost model that knows pages: a field costs 1 plus its children, and the
 * children of a paged field (argument {@code first}, {@code limit} or {@code filter.limit}) count once per row the
 * page may return. Answers with code QUERY_TOO_COMPLEX.
 */
public final class ComplexityLimit extends MaxQueryComplexityInstrumentation {
  public ComplexityLimit(int maxComplexity, int defaultPageSize, int maxPageSize) {
    super(maxComplexity, new PageAwareCost(defaultPageSize, maxPageSize));
  }

  @Override
  protected AbortExecutionException mkAbortException(int complexity, int maxComplexity) {
    return new LimitExceeded(ErrorCode.QUERY_TOO_COMPLEX,
        "Query complexity " + complexity + " exceeds the maximum of " + maxComplexity);
  }

  /** Cost model: see the class comment. */
  static final class PageAwareCost implements FieldComplexityCalculator {
    private final int defaultPageSize;
    private final int maxPageSize;

    PageAwareCost(int defaultPageSize, int maxPageSize) {
      this.defaultPageSize = defaultPageSize;
      this.maxPageSize = maxPageSize;
    }

    @Override
    public int calculate(FieldComplexityEnvironment env, int childComplexity) {
      int rows = rowsOf(env.getArguments());
      long cost = 1L + (long) childComplexity * rows;
      return cost > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE / 2 : (int) cost;
    }

    private int rowsOf(Map<String, Object> args) {
      if (args == null || args.isEmpty()) {
        return 1;
      }
      if (args.containsKey("first")) {
        return pageRows(args.get("first"));
      }
      if (args.containsKey("limit")) {
        return pageRows(args.get("limit"));
      }
      Object filter = args.get("filter");
      if (filter instanceof Map<?, ?> f) {
        return pageRows(f.get("limit"));
      }
      if (args.containsKey("filter")) {
        return defaultPageSize;
      }
      return 1;
    }

    private int pageRows(Object value) {
      if (value instanceof Number n) {
        // Refused later anyway when out of range; cost it at what would be served.
        return Math.max(1, Math.min(n.intValue(), maxPageSize));
      }
      return defaultPageSize;
    }
  }
}
