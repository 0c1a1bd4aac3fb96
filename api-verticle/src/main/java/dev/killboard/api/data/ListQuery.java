package dev.killboard.api.data;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a list reads, as a repository builds it: columns and FROM, AND-ed conditions whose {@code ?}
 * placeholders become {@code $n} parameters (values are bound, never spliced into the text), the
 * order, and how its pages are placed and counted. Immutable: every step returns a new query.
 * {@link PagePlanner} turns a query and a page into statements.
 *
 * @param conditions the conditions as SQL with {@code $n} parameters, numbered in the order of
 *     {@code args}
 * @param countFrom a narrower FROM to count over (the conditions must only use its aliases), or
 *     null
 * @param exactCount an exact, cheap count maintained elsewhere (counter tables) used instead of
 *     counting, or null
 * @param idsFirst paging over ids first (see {@link #idsFirst(String, String, String, String)}), or
 *     null
 * @param customPlanned whether the page statement is planned for its values (see {@link
 *     #customPlan()})
 * @param position the scope whose per-day totals place deep pages, or null
 */
public record ListQuery<T>(
    String columns,
    String from,
    Function<Row, T> mapper,
    List<String> conditions,
    List<Object> args,
    String orderBy,
    String countFrom,
    Supplier<Future<Long>> exactCount,
    CursorStyle cursorStyle,
    Function<T, Integer> idOf,
    IdsFirst idsFirst,
    boolean customPlanned,
    ScopePosition position) {

  public ListQuery {
    conditions = List.copyOf(conditions);
    args = List.copyOf(args);
  }

  /** An unfiltered list; rows in the database's order until {@link #orderBy} is given. */
  public static <T> ListQuery<T> of(String columns, String from, Function<Row, T> mapper) {
    return new ListQuery<>(
        columns,
        from,
        mapper,
        List.of(),
        List.of(),
        "",
        null,
        null,
        CursorStyle.POSITION,
        null,
        null,
        false,
        null);
  }

  /** Adds an AND condition; each {@code ?} takes the next value. */
  public ListQuery<T> where(String condition, Object... values) {
    long placeholders = condition.chars().filter(c -> c == '?').count();
    if (placeholders != values.length) {
      throw new IllegalArgumentException(
          "condition '"
              + condition
              + "' has "
              + placeholders
              + " placeholders for "
              + values.length
              + " values");
    }
    List<Object> moreArgs = new ArrayList<>(args);
    StringBuilder sb = new StringBuilder();
    int v = 0;
    for (char c : condition.toCharArray()) {
      if (c == '?') {
        moreArgs.add(values[v++]);
        sb.append('$').append(moreArgs.size());
      } else {
        sb.append(c);
      }
    }
    List<String> moreConditions = new ArrayList<>(conditions);
    moreConditions.add(sb.toString());
    return new ListQuery<>(
        columns,
        from,
        mapper,
        moreConditions,
        moreArgs,
        orderBy,
        countFrom,
        exactCount,
        cursorStyle,
        idOf,
        idsFirst,
        customPlanned,
        position);
  }

  /** The ORDER BY list; it must end with a unique column so pages never overlap. */
  public ListQuery<T> orderBy(String order) {
    return new ListQuery<>(
        columns,
        from,
        mapper,
        conditions,
        args,
        order,
        countFrom,
        exactCount,
        cursorStyle,
        idOf,
        idsFirst,
        customPlanned,
        position);
  }

  /**
   * Counts over this FROM instead (the conditions must only use its aliases): a narrower join is
   * cheaper to count.
   */
  public ListQuery<T> countFrom(String narrower) {
    return new ListQuery<>(
        columns,
        from,
        mapper,
        conditions,
        args,
        orderBy,
        narrower,
        exactCount,
        cursorStyle,
        idOf,
        idsFirst,
        customPlanned,
        position);
  }

  /** An exact, cheap count maintained elsewhere (counter tables) used instead of counting rows. */
  public ListQuery<T> exactCount(Supplier<Future<Long>> count) {
    return new ListQuery<>(
        columns,
        from,
        mapper,
        conditions,
        args,
        orderBy,
        countFrom,
        count,
        cursorStyle,
        idOf,
        idsFirst,
        customPlanned,
        position);
  }

  /** How edge cursors are derived; {@code id} is needed for {@link CursorStyle#ID} only. */
  public ListQuery<T> cursors(CursorStyle style, Function<T, Integer> id) {
    return new ListQuery<>(
        columns,
        from,
        mapper,
        conditions,
        args,
        orderBy,
        countFrom,
        exactCount,
        style,
        id,
        idsFirst,
        customPlanned,
        position);
  }

  /**
   * Pages over ids first: the conditions and order run over {@code idsFrom} alone (an index-only
   * range scan in page order), {@code idColumns} (aliased by the caller) are kept for the page's
   * rows only, and those at most limit + 1 rows are joined with {@code rowsJoin} (which refers to
   * the id sub-select as {@code p}) and re-ordered by {@code rowsOrderBy}. Skipped rows then cost
   * one index entry each instead of a join and a sort.
   */
  public ListQuery<T> idsFirst(
      String idsFrom, String idColumns, String rowsJoin, String rowsOrderBy) {
    return new ListQuery<>(
        columns,
        from,
        mapper,
        conditions,
        args,
        orderBy,
        countFrom,
        exactCount,
        cursorStyle,
        idOf,
        new IdsFirst(idsFrom, idColumns, rowsJoin, rowsOrderBy),
        customPlanned,
        position);
  }

  /**
   * Runs the page statement unprepared with its (integer) values inlined, so PostgreSQL plans it
   * for the actual values: a cached generic plan cannot tell a busy region from a quiet one
   * (docs/schema.md, "generic plans").
   */
  public ListQuery<T> customPlan() {
    return new ListQuery<>(
        columns,
        from,
        mapper,
        conditions,
        args,
        orderBy,
        countFrom,
        exactCount,
        cursorStyle,
        idOf,
        idsFirst,
        true,
        position);
  }

  /**
   * Places deep pages (see {@link PagePlanner#POSITIONED_FROM_OFFSET}) from the schema's per-day
   * totals of one scope ({@code killmail_scope_page_start}): only the entries of the day that holds
   * the position are skipped, so a page's cost does not grow with the scope's history. The list
   * must hold exactly that scope's killmails, ordered by {@code timeColumn} then id in the given
   * direction, and page over ids ({@link #idsFirst}).
   */
  public ListQuery<T> positionedWithin(
      String scope, int scopeId, String timeColumn, boolean newestFirst) {
    if (!scope.matches("[a-z]+")) {
      throw new IllegalArgumentException(
          "scope must be one of the schema's scope names, got " + scope);
    }
    return new ListQuery<>(
        columns,
        from,
        mapper,
        conditions,
        args,
        orderBy,
        countFrom,
        exactCount,
        cursorStyle,
        idOf,
        idsFirst,
        customPlanned,
        new ScopePosition(scope, scopeId, timeColumn, newestFirst));
  }

  /** The WHERE clause with its leading space, or empty. */
  String whereClause() {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** What the total counts over. */
  String countSource() {
    return countFrom != null ? countFrom : from;
  }

  /**
   * The values as SQL literals, for a custom-plan statement; only integers can be inlined (never
   * user text).
   */
  List<String> inlinedArgs() {
    List<String> out = new ArrayList<>(args.size());
    for (Object a : args) {
      if (!(a instanceof Integer || a instanceof Long || a instanceof Short)) {
        throw new IllegalStateException(
            "only integer values can be inlined into a custom-plan statement");
      }
      out.add(a.toString());
    }
    return out;
  }

  /** The id sub-select of a list paged over ids first. */
  public record IdsFirst(String idsFrom, String idColumns, String rowsJoin, String rowsOrderBy) {}

  /** The scope whose per-day totals place deep pages. */
  public record ScopePosition(String scope, int scopeId, String timeColumn, boolean newestFirst) {}
}
