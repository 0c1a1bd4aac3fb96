package dev.killboard.api.graphql;

import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;
import java.util.ArrayList;
import java.util.List;

/**
 * The result paths of one execution whose {@code pageInfo.totalCount} is an estimate rather than an
 * exact count, answered as {@code extensions.estimatedTotalCounts} (the contract's PageInfo has no
 * field for it).
 */
public final class EstimatedCounts {
  private final List<String> paths = new ArrayList<>();

  /** The execution's set, made on first use. */
  public static EstimatedCounts of(DataFetchingEnvironment env) {
    return env.getGraphQlContext()
        .computeIfAbsent(EstimatedCounts.class, k -> new EstimatedCounts());
  }

  static EstimatedCounts in(GraphQLContext context) {
    return context.get(EstimatedCounts.class);
  }

  /** Marks the list at {@code path} (e.g. {@code /killmails}). */
  public synchronized void add(String path) {
    paths.add(path);
  }

  synchronized List<String> paths() {
    return List.copyOf(paths);
  }
}
