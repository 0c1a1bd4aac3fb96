package dev.killboard.worker.framework;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Typed reads of ESI fields for SQL parameters; a missing required field fails with the entity and
 * field named.
 */
public final class EsiValues {
  private EsiValues() {}

  /** An optional int field (ids), checked against PostgreSQL's integer range. */
  public static Integer optInt(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("ESI field '" + field + "' must be a number, got " + v);
    }
    return Math.toIntExact(n.longValue());
  }

  /** A required int field. */
  public static int reqInt(JsonObject o, String field, String what) {
    Integer v = optInt(o, field);
    if (v == null) {
      throw new IllegalArgumentException(what + " has no '" + field + "' (required by the schema)");
    }
    return v;
  }

  /** A required text field. */
  public static String reqText(JsonObject o, String field, String what) {
    String v = o.getString(field);
    if (v == null) {
      throw new IllegalArgumentException(what + " has no '" + field + "' (required by the schema)");
    }
    return v;
  }

  /** An optional number. */
  public static Double optDouble(JsonObject o, String field) {
    return o.getValue(field) instanceof Number ? o.getDouble(field) : null;
  }

  /** An optional ISO date-time. */
  public static OffsetDateTime optTime(JsonObject o, String field) {
    String v = o.getString(field);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("ESI field '" + field + "' is not an ISO date-time: " + v);
    }
  }

  /** A required ISO date-time. */
  public static OffsetDateTime reqTime(JsonObject o, String field, String what) {
    OffsetDateTime v = optTime(o, field);
    if (v == null) {
      throw new IllegalArgumentException(what + " has no '" + field + "' (required by the schema)");
    }
    return v;
  }

  /** One coordinate of an optional {@code position} object. */
  public static Double position(JsonObject o, String axis) {
    JsonObject p = o.getJsonObject("position");
    return p == null ? null : optDouble(p, axis);
  }
}
