package dev.killboard.api.data;

import java.util.List;

/** A page of a list as the contract shapes it: edges (node + cursor) and a PageInfo. */
public record Connection<T>(List<Edge<T>> edges, PageInfo pageInfo) {

  /** One row of the page. */
  public record Edge<T>(T node, String cursor) {
  }

  /** The page's position in the whole list. */
  public record PageInfo(int currentPage, int totalPages, int totalCount, boolean hasNextPage, boolean hasPreviousPage,
      Integer nextCursor, Integer previousCursor) {
  }
}
