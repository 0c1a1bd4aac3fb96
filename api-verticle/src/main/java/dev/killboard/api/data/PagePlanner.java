package dev.killboard.api.data;

import dev.killboard.api.limits.PageRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages a {@link ListQuery}: the page statement (offset and limit, one row more than asked to know
 * whether a next page exists; deep pages placed through the per-day totals) and the total (the
 * query's exact count, else counted exactly up to a ceiling — a bounded scan whose cost does not
 * grow with the table — and estimated by the planner above it). The page and the total run in
 * parallel, on two connections.
 */
public final class PagePlanner {
  /**
   * Offsets from which a positioned list ({@link ListQuery#positionedWithin}) is placed through
   * per-day totals: below it, skipping at most this many index entries costs less than summing the
   * scope's days.
   */
  public static final long POSITIONED_FROM_OFFSET = 1_000;

  private final Sql sql;
  private final int exactCountCeiling;
  private final long positionedFrom;

  /**
   * @param exactCountCeiling totals up to this are counted exactly ({@code
   *     KILLBOARD_EXACT_COUNT_CEILING})
   */
  public PagePlanner(Sql sql, int exactCountCeiling) {
    this(sql, exactCountCeiling, POSITIONED_FROM_OFFSET);
  }

  /**
   * With a lower offset from which pages are positioned (tests: every page through the per-day
   * totals).
   */
  PagePlanner(Sql sql, int exactCountCeiling, long positionedFrom) {
    this.sql = sql;
    this.exactCountCeiling = exactCountCeiling;
    this.positionedFrom = positionedFrom;
  }

  public int exactCountCeiling() {
    return exactCountCeiling;
  }

  /** Runs the page and the total of {@code page} and shapes them into a connection. */
  public <T> Future<Connection<T>> page(ListQuery<T> q, PageRequest page) {
    String where = q.whereClause();
    Future<List<T>> rows;
    if (q.customPlanned()) {
      rows = sql.listInlined(pageSql(q, where, q.inlinedArgs(), page), q.mapper());
    } else if (q.idsFirst() != null) {
      // The limit is inlined (a handful of page sizes, each one cached statement): a generic plan
      // then knows the page has limit + 1 rows and joins them by primary key instead of hashing the
      // whole table.
      Tuple values = Tuple.wrap(new ArrayList<>(q.args())).addLong(page.offset());
      if (positioned(q, page)) {
        values.addInteger(q.position().scopeId());
      }
      rows = sql.list(pageSql(q, where, null, page), values, q.mapper());
    } else {
      rows =
          sql.list(
              pageSql(q, where, null, page),
              Tuple.wrap(new ArrayList<>(q.args()))
                  .addInteger(page.limit() + 1)
                  .addLong(page.offset()),
              q.mapper());
    }
    Future<Long> total = q.exactCount() != null ? q.exactCount().get() : count(q, where);
    return Future.all(rows, total)
        .map(
            done ->
                Paging.connection(rows.result(), total.result(), page, q.cursorStyle(), q.idOf()));
  }

  /** The page statement {@link #page} sends for {@code page} (plan tests read its EXPLAIN). */
  String pageStatement(ListQuery<?> q, PageRequest page) {
    return pageSql(q, q.whereClause(), q.customPlanned() ? q.inlinedArgs() : null, page);
  }

  private boolean positioned(ListQuery<?> q, PageRequest page) {
    return q.position() != null && q.idsFirst() != null && page.offset() >= positionedFrom;
  }

  /**
   * The page statement; with {@code literals} the values are inlined, else they are $n parameters.
   */
  private String pageSql(ListQuery<?> q, String where, List<String> literals, PageRequest page) {
    int n = q.args().size();
    ListQuery.IdsFirst ids = q.idsFirst();
    boolean inlineLimit = literals != null || ids != null;
    String limit = inlineLimit ? Integer.toString(page.limit() + 1) : "$" + (n + 1);
    String offset =
        literals != null ? Long.toString(page.offset()) : "$" + (inlineLimit ? n + 1 : n + 2);
    if (literals != null) {
      for (int i = n; i >= 1; i--) {
        // Highest first so $1 never rewrites the prefix of $12.
        where = where.replace("$" + i, literals.get(i - 1));
      }
    }
    if (ids == null) {
      return "SELECT "
          + q.columns()
          + " FROM "
          + q.from()
          + where
          + " ORDER BY "
          + q.orderBy()
          + " LIMIT "
          + limit
          + " OFFSET "
          + offset;
    }
    if (positioned(q, page)) {
      String scopeId = literals != null ? Integer.toString(q.position().scopeId()) : "$" + (n + 2);
      return positionedPageSql(q, where, scopeId, limit, offset);
    }
    return "SELECT "
        + q.columns()
        + " FROM (SELECT "
        + ids.idColumns()
        + " FROM "
        + ids.idsFrom()
        + where
        + " ORDER BY "
        + q.orderBy()
        + " LIMIT "
        + limit
        + " OFFSET "
        + offset
        + ") p JOIN "
        + ids.rowsJoin()
        + " ORDER BY "
        + ids.rowsOrderBy();
  }

  /**
   * A page placed through the scope's per-day totals: CTE {@code s} holds the day of the position
   * and the killmails before it; ids are read from that day on and only {@code offset - skipped} of
   * them skipped. Past the end, {@code s} is empty and so is the page.
   */
  private static String positionedPageSql(
      ListQuery<?> q, String where, String scopeId, String limit, String offset) {
    ListQuery.ScopePosition position = q.position();
    ListQuery.IdsFirst ids = q.idsFirst();
    String bound =
        position.newestFirst()
            ? position.timeColumn() + " < (SELECT day_start FROM s) + interval '1 day'"
            : position.timeColumn() + " >= (SELECT day_start FROM s)";
    return "WITH s AS MATERIALIZED (SELECT day_start, skipped FROM killmail_scope_page_start('"
        + position.scope()
        + "', "
        + scopeId
        + ", "
        + offset
        + ", "
        + position.newestFirst()
        + "))"
        + " SELECT "
        + q.columns()
        + " FROM (SELECT "
        + ids.idColumns()
        + " FROM "
        + ids.idsFrom()
        + (where.isEmpty() ? " WHERE " : where + " AND ")
        + bound
        + " ORDER BY "
        + q.orderBy()
        + " LIMIT "
        + limit
        + " OFFSET (SELECT "
        + offset
        + " - skipped FROM s)) p JOIN "
        + ids.rowsJoin()
        + " ORDER BY "
        + ids.rowsOrderBy();
  }

  private Future<Long> count(ListQuery<?> q, String where) {
    int n = q.args().size();
    String countSql =
        "SELECT count(*) AS n FROM (SELECT 1 FROM "
            + q.countSource()
            + where
            + " LIMIT $"
            + (n + 1)
            + ") bounded";
    Tuple countArgs = Tuple.wrap(new ArrayList<>(q.args())).addLong(exactCountCeiling + 1L);
    return sql.one(countSql, countArgs, r -> r.getLong("n"))
        .compose(
            exact -> {
              if (exact <= exactCountCeiling) {
                return Future.succeededFuture(exact);
              }
              return estimate(q, where).map(e -> Math.max(e, exactCountCeiling + 1L));
            });
  }

  private Future<Long> estimate(ListQuery<?> q, String where) {
    String explain = "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + q.countSource() + where;
    return sql.one(
        explain,
        Tuple.wrap(new ArrayList<>(q.args())),
        r -> {
          Object plan = r.getValue(0);
          JsonArray arr = plan instanceof JsonArray a ? a : new JsonArray(String.valueOf(plan));
          JsonObject top = arr.getJsonObject(0).getJsonObject("Plan");
          return top.getNumber("Plan Rows").longValue();
        });
  }
}
