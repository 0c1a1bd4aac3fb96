package dev.killboard.api.data;

import dev.killboard.api.limits.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Connection and PageInfo arithmetic shared by every list. */
public final class Paging {
  private Paging() {}

  /**
   * The PageInfo of {@code page} in a list of {@code totalCount} rows. Page-style requests get page
   * numbers as next/previous cursors; the original leaves them null, so filling them breaks no
   * client.
   */
  public static Connection.PageInfo pageInfo(PageRequest page, long totalCount, boolean hasNext) {
    int total = (int) Math.min(Integer.MAX_VALUE, totalCount);
    int totalPages =
        (int) Math.min(Integer.MAX_VALUE, (totalCount + page.limit() - 1) / page.limit());
    boolean hasPrevious = page.offset() > 0;
    int current = page.page();
    return new Connection.PageInfo(
        current,
        totalPages,
        total,
        hasNext,
        hasPrevious,
        hasNext ? current + 1 : null,
        hasPrevious ? Math.max(1, current - 1) : null);
  }

  /**
   * Shapes {@code rows} (read with one extra row to detect a next page) into a connection; {@code
   * counted} is the exact count or a lower bound / estimate, corrected by what the page itself
   * proves.
   */
  public static <T> Connection<T> connection(
      List<T> rows,
      long counted,
      PageRequest page,
      CursorStyle cursorStyle,
      Function<T, Integer> idOf) {
    return connection(rows, counted, false, page, cursorStyle, idOf);
  }

  /**
   * As above; a {@code stable} count (an estimate) is kept on every page instead of being raised by
   * what the page proves, so that it does not change as a client pages forward; only the last page,
   * which proves the exact total, replaces it. The connection is flagged {@link
   * Connection#estimatedTotal} while the total is that estimate.
   */
  public static <T> Connection<T> connection(
      List<T> rows,
      long counted,
      boolean stable,
      PageRequest page,
      CursorStyle cursorStyle,
      Function<T, Integer> idOf) {
    boolean hasNext = rows.size() > page.limit();
    List<T> shown = hasNext ? rows.subList(0, page.limit()) : rows;
    // The page itself proves facts that win over a count or an estimate: reaching the end gives the
    // exact total,
    // a next row gives a lower bound.
    long totalCount = counted;
    boolean proven = !hasNext && !shown.isEmpty();
    if (proven) {
      totalCount = page.offset() + shown.size();
    } else if (hasNext && !stable) {
      totalCount = Math.max(counted, page.offset() + shown.size() + 1);
    }
    List<Connection.Edge<T>> edges = new ArrayList<>(shown.size());
    for (int i = 0; i < shown.size(); i++) {
      long position = page.offset() + i;
      T node = shown.get(i);
      long cursorValue =
          switch (cursorStyle) {
            case POSITION -> position;
            case POSITION_PLUS_ONE -> position + 1;
            case ID -> idOf.apply(node);
          };
      edges.add(new Connection.Edge<>(node, PageRequest.cursor(cursorValue)));
    }
    return new Connection<>(edges, pageInfo(page, totalCount, hasNext), stable && !proven);
  }
}
