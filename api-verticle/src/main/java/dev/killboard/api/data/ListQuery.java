package dev.killboard.api.data;

import dev.killboard.api.limits.PageRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A filtered, ordered, paged list over one table or join. Conditions use {@code ?} for values, bound as parameters
 * (never spliced into the text). The page reads one row more than asked to know whether a next page exists; the total
 * is counted exactly up to a ceiling (a bounded scan: the cost does not grow with the table) and estimated by the
 * planner above it.
 */
public final class ListQuery<T> {
  /** How an edge cursor is derived from a row: its position in the list or its id. */
  public enum CursorStyle {
    /** base64(position), 0-based: the original's alliances, characters, universe and item lists. */
    POSITION,
    /** base64(position + 1): the original's killmail lists. */
    POSITION_PLUS_ONE,
    /** base64(id): the original's corporation list. */
    ID
  }

  /**
   * Offsets from which a positioned list (see {@link #positionedWithin}) is placed through per-day totals: below it,
   * skipping at most this many index entries costs less than summing the scope's days.
   */
  public static final long POSITIONED_FROM_OFFSET = 1_000;

  private final String columns;
  private final String from;
  private final List<String> conditions = new ArrayList<>();
  private final List<Object> args = new ArrayList<>();
  private final Function<Row, T> mapper;
  private String orderBy = "";
  private String countFrom;
  private java.util.function.Supplier<Future<Long>> exactCount;
  private CursorStyle cursorStyle = CursorStyle.POSITION;
  private Function<T, Integer> idOf;
  private String idsFrom;
  private String idColumns;
  private String rowsJoin;
  private String rowsOrderBy;
  private boolean customPlan;
  private ScopePosition position;
  private long positionedFrom = POSITIONED_FROM_OFFSET;

  public ListQuery(String columns, String from, Function<Row, T> mapper) {
    this.columns = columns;
    this.from = from;
    this.mapper = mapper;
  }

  /** Adds an AND condition; each {@code ?} takes the next value. */
  public ListQuery<T> where(String condition, Object... values) {
    StringBuilder sb = new StringBuilder();
    int v = 0;
    for (char c : condition.toCharArray()) {
      if (c == '?') {
        args.add(values[v++]);
        sb.append('$').append(args.size());
      } else {
        sb.append(c);
      }
    }
    if (v != values.length) {
      throw new IllegalArgumentException("condition '" + condition + "' has " + v + " placeholders for " + values.length + " values");
    }
    conditions.add(sb.toString());
    return this;
  }

  /** The ORDER BY list; it must end with a unique column so pages never overlap. */
  public ListQuery<T> orderBy(String order) {
    this.orderBy = order;
    return this;
  }

  /** Counts over this FROM instead (the conditions must only use its aliases): a narrower join is cheaper to count. */
  public ListQuery<T> countFrom(String from) {
    this.countFrom = from;
    return this;
  }

  /** An exact, cheap count maintained elsewhere (counter tables) used instead of counting rows. */
  public ListQuery<T> exactCount(java.util.function.Supplier<Future<Long>> count) {
    this.exactCount = count;
    return this;
  }

  public ListQuery<T> cursors(CursorStyle style, Function<T, Integer> idOf) {
    this.cursorStyle = style;
    this.idOf = idOf;
    return this;
  }

  /**
   * Pages over ids first: the conditions and order run over {@code idsFrom} alone (an index-only range scan in page
   * order), {@code idColumns} (aliased by the caller) are kept for the page's rows only, and those at most limit + 1
   * rows are joined with {@code rowsJoin} (which refers to the id sub-select as {@code p}) and re-ordered by
   * {@code rowsOrderBy}. Skipped rows then cost one index entry each instead of a join and a sort.
   */
  public ListQuery<T> idsFirst(String idsFrom, String idColumns, String rowsJoin, String rowsOrderBy) {
    this.idsFrom = idsFrom;
    this.idColumns = idColumns;
    this.rowsJoin = rowsJoin;
    this.rowsOrderBy = rowsOrderBy;
    return this;
  }

  /**
   * Runs the page statement unprepared with its (integer) values inlined, so PostgreSQL plans it for the actual
   * values: a cached generic plan cannot tell a busy region from a quiet one (docs/schema.md, "generic plans").
   */
  public ListQuery<T> customPlan() {
    this.customPlan = true;
    return this;
  }

  /**
   * Places deep pages (offset at least {@link #POSITIONED_FROM_OFFSET}) from the schema's per-day totals of one scope
   * ({@code killmail_scope_page_start}): only the entries of the day that holds the position are skipped, so a page's
   * cost does not grow with the scope's history. The list must hold exactly that scope's killmails, ordered by
   * {@code timeColumn} then id in the given direction, and page over ids ({@link #idsFirst}).
   */
  public ListQuery<T> positionedWithin(String scope, int scopeId, String timeColumn, boolean newestFirst) {
    if (!scope.matches("[a-z]+")) {
      throw new IllegalArgumentException("scope must be one of the schema's scope names, got " + scope);
    }
    this.position = new ScopePosition(scope, scopeId, timeColumn, newestFirst);
    return this;
  }

  /** Lowers the offset from which pages are positioned (tests: every page through the per-day totals). */
  ListQuery<T> positionedFrom(long offset) {
    this.positionedFrom = offset;
    return this;
  }

  private boolean positioned(PageRequest page) {
    return position != null && idsFrom != null && page.offset() >= positionedFrom;
  }

  private String whereClause() {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** Runs the page and the count (in parallel, on two connections). */
  public Future<Connection<T>> fetch(Sql sql, PageRequest page, int exactCountCeiling) {
    String where = whereClause();
    Future<List<T>> rows;
    if (customPlan) {
      rows = sql.listInlined(pageSql(where, inlined(), page), mapper);
    } else if (idsFrom != null) {
      // The limit is inlined (a handful of page sizes, each one cached statement): a generic plan then knows the
      // page has limit + 1 rows and joins them by primary key instead of hashing the whole table.
      Tuple values = Tuple.wrap(new ArrayList<>(args)).addLong(page.offset());
      if (positioned(page)) {
        values.addInteger(position.scopeId());
      }
      rows = sql.list(pageSql(where, null, page), values, mapper);
    } else {
      rows = sql.list(pageSql(where, null, page), Tuple.wrap(new ArrayList<>(args)).addInteger(page.limit() + 1)
          .addLong(page.offset()), mapper);
    }
    Future<Long> total = exactCount != null ? exactCount.get() : count(sql, where, exactCountCeiling);
    return Future.all(rows, total).map(done -> toConnection(rows.result(), total.result(), page, cursorStyle, idOf));
  }

  /** The page statement {@link #fetch} sends for {@code page} (plan tests read its EXPLAIN). */
  String pageStatement(PageRequest page) {
    return pageSql(whereClause(), customPlan ? inlined() : null, page);
  }

  /** The page statement; with {@code literals} the values are inlined, else they are $n parameters. */
  String pageSql(String where, List<String> literals, PageRequest page) {
    int n = args.size();
    boolean inlineLimit = literals != null || idsFrom != null;
    String limit = inlineLimit ? Integer.toString(page.limit() + 1) : "$" + (n + 1);
    String offset = literals != null ? Long.toString(page.offset()) : "$" + (inlineLimit ? n + 1 : n + 2);
    if (literals != null) {
      for (int i = n; i >= 1; i--) {
        // Highest first so $1 never rewrites the prefix of $12.
        where = where.replace("$" + i, literals.get(i - 1));
      }
    }
    if (idsFrom == null) {
      return "SELECT " + columns + " FROM " + from + where + " ORDER BY " + orderBy + " LIMIT " + limit + " OFFSET " + offset;
    }
    if (positioned(page)) {
      return positionedPageSql(where, literals != null ? Integer.toString(position.scopeId()) : "$" + (n + 2), limit, offset);
    }
    return "SELECT " + columns + " FROM (SELECT " + idColumns + " FROM " + idsFrom + where + " ORDER BY " + orderBy
        + " LIMIT " + limit + " OFFSET " + offset + ") p JOIN " + rowsJoin + " ORDER BY " + rowsOrderBy;
  }

  /**
   * A page placed through the scope's per-day totals: CTE {@code s} holds the day of the position and the killmails
   * before it; ids are read from that day on and only {@code offset - skipped} of them skipped. Past the end, {@code s}
   * is empty and so is the page.
   */
  private String positionedPageSql(String where, String scopeId, String limit, String offset) {
    String bound = position.newestFirst()
        ? position.timeColumn() + " < (SELECT day_start FROM s) + interval '1 day'"
        : position.timeColumn() + " >= (SELECT day_start FROM s)";
    return "WITH s AS MATERIALIZED (SELECT day_start, skipped FROM killmail_scope_page_start('" + position.scope() + "', "
        + scopeId + ", " + offset + ", " + position.newestFirst() + "))"
        + " SELECT " + columns + " FROM (SELECT " + idColumns + " FROM " + idsFrom
        + (where.isEmpty() ? " WHERE " : where + " AND ") + bound
        + " ORDER BY " + orderBy + " LIMIT " + limit + " OFFSET (SELECT " + offset + " - skipped FROM s)) p JOIN " + rowsJoin
        + " ORDER BY " + rowsOrderBy;
  }

  /** The scope whose per-day totals place deep pages. */
  private record ScopePosition(String scope, int scopeId, String timeColumn, boolean newestFirst) {
  }

  private List<String> inlined() {
    List<String> out = new ArrayList<>(args.size());
    for (Object a : args) {
      if (!(a instanceof Integer || a instanceof Long || a instanceof Short)) {
        throw new IllegalStateException("only integer values can be inlined into a custom-plan statement");
      }
      out.add(a.toString());
    }
    return out;
  }

  private Future<Long> count(Sql sql, String where, int ceiling) {
    int n = args.size();
    String countSql = "SELECT count(*) AS n FROM (SELECT 1 FROM " + (countFrom != null ? countFrom : from) + where + " LIMIT $" + (n + 1) + ") bounded";
    Tuple countArgs = Tuple.wrap(new ArrayList<>(args)).addLong(ceiling + 1L);
    return sql.one(countSql, countArgs, r -> r.getLong("n")).compose(exact -> {
      if (exact <= ceiling) {
        return Future.succeededFuture(exact);
      }
      return estimate(sql, where).map(e -> Math.max(e, ceiling + 1L));
    });
  }

  private Future<Long> estimate(Sql sql, String where) {
    String explain = "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + (countFrom != null ? countFrom : from) + where;
    return sql.one(explain, Tuple.wrap(new ArrayList<>(args)), r -> {
      Object plan = r.getValue(0);
      JsonArray arr = plan instanceof JsonArray a ? a : new JsonArray(String.valueOf(plan));
      JsonObject top = arr.getJsonObject(0).getJsonObject("Plan");
      return top.getNumber("Plan Rows").longValue();
    });
  }

  /**
   * Shapes {@code rows} (read with one extra row to detect a next page) into a connection; {@code counted} is the
   * exact count or a lower bound / estimate, corrected by what the page itself proves.
   */
  public static <T> Connection<T> toConnection(List<T> rows, long counted, PageRequest page, CursorStyle cursorStyle,
      Function<T, Integer> idOf) {
    return toConnection(rows, counted, false, page, cursorStyle, idOf);
  }

  /**
   * As above; a {@code stable} count (an estimate flagged as such) is kept on every page instead of being raised by
   * what the page proves, so that it does not change as a client pages forward; only the last page, which proves the
   * exact total, replaces it.
   */
  public static <T> Connection<T> toConnection(List<T> rows, long counted, boolean stable, PageRequest page,
      CursorStyle cursorStyle, Function<T, Integer> idOf) {
    boolean hasNext = rows.size() > page.limit();
    List<T> shown = hasNext ? rows.subList(0, page.limit()) : rows;
    // The page itself proves facts that win over a count or an estimate: reaching the end gives the exact total,
    // a next row gives a lower bound.
    long totalCount = counted;
    if (!hasNext && !shown.isEmpty()) {
      totalCount = page.offset() + shown.size();
    } else if (hasNext && !stable) {
      totalCount = Math.max(counted, page.offset() + shown.size() + 1);
    }
    List<Connection.Edge<T>> edges = new ArrayList<>(shown.size());
    for (int i = 0; i < shown.size(); i++) {
      long position = page.offset() + i;
      T node = shown.get(i);
      long cursorValue = switch (cursorStyle) {
        case POSITION -> position;
        case POSITION_PLUS_ONE -> position + 1;
        case ID -> idOf.apply(node);
      };
      edges.add(new Connection.Edge<>(node, PageRequest.cursor(cursorValue)));
    }
    return new Connection<>(edges, Paging.pageInfo(page, totalCount, hasNext));
  }
}
