package dev.killboard.bench.dataset;

import java.io.IOException;
import java.io.StringReader;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.postgresql.copy.CopyManager;

/**
 * Rows of one table in PostgreSQL's COPY text format (tab-separated, {@code \N} for NULL), sent
 * with one {@code COPY … FROM STDIN}. Values are appended column by column; {@link #end()} closes a
 * row.
 */
final class CopyRows {
  private final String table;
  private final String columns;
  private final StringBuilder text = new StringBuilder(1 << 16);
  private boolean rowStarted;
  private long rows;

  CopyRows(String table, String columns) {
    this.table = table;
    this.columns = columns;
  }

  private StringBuilder next() {
    if (rowStarted) {
      text.append('\t');
    }
    rowStarted = true;
    return text;
  }

  CopyRows add(int value) {
    next().append(value);
    return this;
  }

  CopyRows add(long value) {
    next().append(value);
    return this;
  }

  CopyRows add(double value) {
    next().append(value);
    return this;
  }

  CopyRows add(boolean value) {
    next().append(value ? 't' : 'f');
    return this;
  }

  /** An Integer, Long, Double, Float or Boolean; null becomes NULL. */
  CopyRows addNullable(Object value) {
    if (value == null) {
      next().append("\\N");
    } else if (value instanceof Boolean b) {
      add(b);
    } else {
      next().append(value);
    }
    return this;
  }

  CopyRows add(String value) {
    if (value == null) {
      next().append("\\N");
      return this;
    }
    StringBuilder sb = next();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return this;
  }

  CopyRows add(Instant value) {
    next().append(value.toString());
    return this;
  }

  CopyRows add(LocalDate value) {
    next().append(value.toString());
    return this;
  }

  /** A text[] of simple words (letters, digits, ':' and '-': no quoting needed). */
  CopyRows addWords(List<String> words) {
    StringBuilder sb = next().append('{');
    for (int i = 0; i < words.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(words.get(i));
    }
    sb.append('}');
    return this;
  }

  void end() {
    text.append('\n');
    rowStarted = false;
    rows++;
  }

  long rows() {
    return rows;
  }

  /** Sends the buffered rows with COPY and empties the buffer; returns the rows written. */
  long copy(CopyManager copy) throws SQLException {
    if (rows == 0) {
      return 0;
    }
    try {
      long written =
          copy.copyIn(
              "COPY " + table + " (" + columns + ") FROM STDIN",
              new StringReader(text.toString()),
              1 << 16);
      text.setLength(0);
      rows = 0;
      return written;
    } catch (IOException e) {
      throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), e);
    }
  }
}
