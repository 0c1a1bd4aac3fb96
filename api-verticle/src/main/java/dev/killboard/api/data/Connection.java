package dev.killboard.api.data;

import java.util.List;

/**
 * A page of a list as the contract shapes it: edges (node + cursor) and a PageInfo. {@code
 * estimatedTotal} says the PageInfo's totalCount is an estimate (the API flags it in {@code
 * extensions.estimatedTotalCounts}); it is not a contract field.
 */
public record Connection<T>(List<Edge<T>> edges, PageInfo pageInfo, boolean estimatedTotal) {

  /** A page whose total is exact or proven by the page itself. */
  public Connection(List<Edge<T>> edges, PageInfo pageInfo) {
    this(edges, pageInfo, false);
  }

  /** The page's nodes, without cursors. */
  public List<T> nodes() {
    return edges.stream().map(Edge::node).toList();
  }

  /** One row of the page. */
  public record Edge<T>(T node, String cursor) {}

  /** The page's position in the whole list. */
  public record PageInfo(
      int currentPage,
      int totalPages,
      int totalCount,
      boolean hasNextPage,
      boolean hasPreviousPage,
      Integer nextCursor,
      Integer previousCursor) {}
}
