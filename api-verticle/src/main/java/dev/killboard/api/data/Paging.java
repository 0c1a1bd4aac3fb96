package dev.killboard.api.data;

import dev.killboard.api.limits.PageRequest;

/** PageInfo arithmetic shared by every list. */
public final class Paging {
  private Paging() {
  }

  /**
   * The PageInfo of {@code page} in a list of {@code totalCount} rows. Page-style requests get page numbers as
   * next/previous cursors; the original leaves them null, so filling them breaks no client.
   */
  public static Connection.PageInfo pageInfo(PageRequest page, long totalCount, boolean hasNext) {
    int total = (int) Math.min(Integer.MAX_VALUE, totalCount);
    int totalPages = (int) Math.min(Integer.MAX_VALUE, (totalCount + page.limit() - 1) / page.limit());
    boolean hasPrevious = page.offset() > 0;
    int current = page.page();
    return new Connection.PageInfo(current, totalPages, total, hasNext, hasPrevious,
        hasNext ? current + 1 : null, hasPrevious ? Math.max(1, current - 1) : null);
  }
}
