package dev.killboard.api.limits;

import dev.killboard.api.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One page of a list: which rows (offset, limit) and which page number that is. Built from the
 * contract's two styles: {@code page}/{@code limit} and {@code first}/{@code after} (after = base64
 * of an offset, as the original).
 */
public record PageRequest(int page, int limit, long offset) {

  /** Page-style: page from 1, limit from 1 to the maximum; null arguments take the defaults. */
  public static PageRequest ofPage(Integer page, Integer limit, int defaultLimit, int maxLimit) {
    int l = limit(limit, defaultLimit, maxLimit, "limit");
    int p = page == null ? 1 : page;
    if (p < 1) {
      throw ApiException.badInput("page must be 1 or more (got " + p + ")");
    }
    long offset = (long) (p - 1) * l;
    if (offset > Integer.MAX_VALUE) {
      throw ApiException.badInput("page " + p + " is beyond the end of any list");
    }
    return new PageRequest(p, l, offset);
  }

  /** Cursor-style: first from 1 to the maximum, after an opaque cursor from a previous answer. */
  public static PageRequest ofCursor(Integer first, String after, int defaultLimit, int maxLimit) {
    int l = limit(first, defaultLimit, maxLimit, "first");
    long offset = after == null || after.isEmpty() ? 0 : decodeCursor(after);
    return new PageRequest((int) (offset / l) + 1, l, offset);
  }

  private static int limit(Integer value, int defaultLimit, int maxLimit, String name) {
    if (value == null) {
      return defaultLimit;
    }
    if (value < 1 || value > maxLimit) {
      throw ApiException.badInput(
          name + " must be between 1 and " + maxLimit + " (got " + value + ")");
    }
    return value;
  }

  /**
   * An edge cursor: base64 of a number, as the original writes them (which number depends on the
   * list: the row's position, position + 1 for killmail lists, the id for corporations; see
   * docs/api.md).
   */
  public static String cursor(long value) {
    return Base64.getEncoder()
        .encodeToString(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  static long decodeCursor(String cursor) {
    if (cursor.length() > 32) {
      throw ApiException.badInput("after is not a cursor from this API");
    }
    try {
      String text =
          new String(Base64.getDecoder().decode(cursor), StandardCharsets.US_ASCII).trim();
      long value = Long.parseLong(text);
      if (value < 0 || value > Integer.MAX_VALUE) {
        throw ApiException.badInput("after is not a cursor from this API");
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw ApiException.badInput("after is not a cursor from this API");
    }
  }
}
