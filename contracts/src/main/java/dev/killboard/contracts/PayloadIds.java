package dev.killboard.contracts;

import io.vertx.core.json.JsonObject;

/** Reads the ids job payloads carry: positive whole numbers within PostgreSQL's {@code integer}. */
final class PayloadIds {
  private PayloadIds() {}

  /** The id under {@code key}, or null when the payload has no such key. */
  static Integer optional(JsonObject payload, String key) {
    Object v = payload.getValue(key);
    if (v == null) {
      return null;
    }
    long id;
    if (v instanceof Number n && n.doubleValue() == n.longValue()) {
      id = n.longValue();
    } else if (v instanceof String s && s.matches("\\d{1,10}")) {
      // Producers outside Killboard (scripts, the original's tools) may send ids as JSON strings.
      id = Long.parseLong(s);
    } else {
      throw new IllegalArgumentException(
          "'" + key + "' must be a positive whole number, got " + abbreviate(String.valueOf(v)));
    }
    return check(key, id);
  }

  /**
   * The id under {@code key}; fails with a message naming the key and the payload when it is
   * missing.
   */
  static int required(JsonObject payload, String key) {
    Integer id = optional(payload, key);
    if (id == null) {
      throw new IllegalArgumentException("no '" + key + "' in " + abbreviate(payload.encode()));
    }
    return id;
  }

  /** {@code id} as an int, or a message naming {@code key} when it is no valid EVE id. */
  static int check(String key, long id) {
    if (id <= 0 || id > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "'" + key + "' = " + id + " is not a valid EVE id (1.." + Integer.MAX_VALUE + ")");
    }
    return (int) id;
  }

  static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
