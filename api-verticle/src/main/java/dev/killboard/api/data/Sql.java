package dev.killboard.api.data;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs prepared statements on the API's pool and maps rows; every statement is a cached prepared
 * statement.
 */
public final class Sql {
  private final Pool pool;
  private final io.micrometer.core.instrument.Counter statements;
  private final java.util.concurrent.Executor mapping;

  /**
   * @param registry where {@code killboard_sql_statements_total} is counted (N+1 regressions show
   *     up there)
   */
  public Sql(Pool pool, io.micrometer.core.instrument.MeterRegistry registry) {
    this(pool, registry, null);
  }

  /**
   * @param mapping where rows are mapped and the returned futures complete (the GraphQL worker
   *     threads, so that mapping a page of thousands of rows and what the caller does with them
   *     stay off the event loop the database answers on); null: on that event loop
   */
  public Sql(
      Pool pool,
      io.micrometer.core.instrument.MeterRegistry registry,
      java.util.concurrent.Executor mapping) {
    this.pool = pool;
    this.mapping = mapping;
    this.statements =
        io.micrometer.core.instrument.Counter.builder("killboard.sql.statements")
            .description("SQL statements the API sent")
            .register(registry);
  }

  public Pool pool() {
    return pool;
  }

  /** All rows of a prepared query, mapped. */
  public <T> Future<List<T>> list(String sql, Tuple args, Function<Row, T> mapper) {
    statements.increment();
    return mapped(
        pool.preparedQuery(sql).execute(args),
        rows -> {
          List<T> out = new ArrayList<>(rows.size());
          for (Row row : rows) {
            out.add(mapper.apply(row));
          }
          return out;
        });
  }

  /**
   * {@code rows} mapped by {@code mapper}, on the mapping executor when there is one. The returned
   * future is bound to no context, so what the caller chains onto it runs on the worker too (a
   * future of the verticle's context would hand every callback back to its event loop).
   */
  private <T> Future<T> mapped(Future<RowSet<Row>> rows, Function<RowSet<Row>, T> mapper) {
    if (mapping == null) {
      return rows.map(mapper);
    }
    io.vertx.core.Promise<T> out = io.vertx.core.Promise.promise();
    rows.onComplete(
        ar ->
            mapping.execute(
                () -> {
                  if (ar.failed()) {
                    out.fail(ar.cause());
                    return;
                  }
                  T value;
                  try {
                    value = mapper.apply(ar.result());
                  } catch (RuntimeException e) {
                    out.fail(e);
                    return;
                  }
                  out.complete(value);
                }));
    return out.future();
  }

  /**
   * All rows of an unprepared query, mapped: planned for its literal values every time (the caller
   * inlines only values it has validated as integers; never user text).
   */
  public <T> Future<List<T>> listInlined(String sql, Function<Row, T> mapper) {
    statements.increment();
    return mapped(
        pool.query(sql).execute(),
        rows -> {
          List<T> out = new ArrayList<>(rows.size());
          for (Row row : rows) {
            out.add(mapper.apply(row));
          }
          return out;
        });
  }

  /** The first row mapped, or null. */
  public <T> Future<T> one(String sql, Tuple args, Function<Row, T> mapper) {
    statements.increment();
    return mapped(
        pool.preparedQuery(sql).execute(args),
        rows -> {
          var it = rows.iterator();
          return it.hasNext() ? mapper.apply(it.next()) : null;
        });
  }

  /** The raw rows. */
  public Future<RowSet<Row>> rows(String sql, Tuple args) {
    statements.increment();
    return mapped(pool.preparedQuery(sql).execute(args), rows -> rows);
  }

  /** A timestamp column as the contract's ISO-8601 text, or null. */
  public static String iso(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : Timestamps.ISO_MILLIS.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  /** A date column as YYYY-MM-DD, or null. */
  public static String date(Row row, String column) {
    LocalDate d = row.getLocalDate(column);
    return d == null ? null : d.toString();
  }

  /** Escapes LIKE wildcards so user text matches literally inside '%…%'. */
  public static String containsPattern(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 2).append('%');
    for (char c : text.toCharArray()) {
      if (c == '%' || c == '_' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('%').toString();
  }
}
