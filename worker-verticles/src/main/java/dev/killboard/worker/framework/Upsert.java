package dev.killboard.worker.framework;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An idempotent {@code INSERT ... ON CONFLICT (key) DO UPDATE} of one table's columns that rewrites
 * a row only when a value changed, so a redelivered job writes nothing and fires no update trigger.
 */
public final class Upsert {
  private final String sql;

  private Upsert(String sql) {
    this.sql = sql;
  }

  /** An upsert of {@code columns} (the first is the conflict key) into {@code table}. */
  public static Upsert into(String table, String... columns) {
    List<String> cols = List.of(columns);
    String key = cols.get(0);
    List<String> rest = cols.subList(1, cols.size());
    String params =
        IntStream.rangeClosed(1, cols.size())
            .mapToObj(i -> "$" + i)
            .collect(Collectors.joining(", "));
    String set = rest.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
    String old = rest.stream().map(c -> "t." + c).collect(Collectors.joining(", "));
    String fresh = rest.stream().map(c -> "EXCLUDED." + c).collect(Collectors.joining(", "));
    return new Upsert(
        "INSERT INTO "
            + table
            + " AS t ("
            + String.join(", ", cols)
            + ") VALUES ("
            + params
            + ")"
            + " ON CONFLICT ("
            + key
            + ") DO UPDATE SET "
            + set
            + " WHERE ("
            + old
            + ") IS DISTINCT FROM ("
            + fresh
            + ")");
  }

  /** Upserts one row. */
  public Future<Void> execute(SqlConnection tx, Tuple row) {
    return tx.preparedQuery(sql).execute(row).mapEmpty();
  }

  /** Upserts several rows in one batch. */
  public Future<Void> executeBatch(SqlConnection tx, List<Tuple> rows) {
    return rows.isEmpty()
        ? Future.succeededFuture()
        : tx.preparedQuery(sql).executeBatch(rows).mapEmpty();
  }

  /** The statement (for logs and tests). */
  public String sql() {
    return sql;
  }
}
