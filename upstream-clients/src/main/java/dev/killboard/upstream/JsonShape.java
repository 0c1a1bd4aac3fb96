package dev.killboard.upstream;

import dev.killboard.contracts.MalformedKillmail;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Checks an answer for the fields the workers need, failing with an {@link UpstreamMalformed} that
 * names the field, what was expected and (shortened) what came. {@code at} is the path of the
 * object inside the answer, for messages.
 */
public final class JsonShape {
  private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{40}");
  private static final int MAX_TEXT = 100_000;

  private final UpstreamService service;
  private final String endpoint;

  /** A checker whose failures name this service and endpoint. */
  public JsonShape(UpstreamService service, String endpoint) {
    this.service = service;
    this.endpoint = endpoint;
  }

  /** Parses a JSON object. */
  public JsonObject object(Buffer body) {
    Object value = parse(body);
    if (value instanceof JsonObject o) {
      return o;
    }
    throw malformed("expected a JSON object, got " + kind(value));
  }

  /** Parses a JSON array. */
  public JsonArray array(Buffer body) {
    Object value = parse(body);
    if (value instanceof JsonArray a) {
      return a;
    }
    throw malformed("expected a JSON array, got " + kind(value));
  }

  private Object parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw malformed("empty body");
    }
    try {
      return Json.decodeValue(body);
    } catch (DecodeException e) {
      String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new UpstreamMalformed(
          service, endpoint, "not valid JSON (" + shorten(why, 160) + ")", e);
    }
  }

  /** A required positive integer id. */
  public long id(JsonObject o, String at, String field) {
    Long v = optionalId(o, at, field);
    if (v == null) {
      throw missing(at, field, "a positive integer");
    }
    return v;
  }

  /** An optional positive integer id (null when absent). */
  public Long optionalId(JsonObject o, String at, String field) {
    Long v = optionalInteger(o, at, field);
    if (v != null && v <= 0) {
      throw wrong(at, field, "a positive integer", v);
    }
    return v;
  }

  /** A required integer >= 0. */
  public long count(JsonObject o, String at, String field) {
    Long v = optionalInteger(o, at, field);
    if (v == null) {
      throw missing(at, field, "an integer >= 0");
    }
    if (v < 0) {
      throw wrong(at, field, "an integer >= 0", v);
    }
    return v;
  }

  /** An optional integer (null when absent). */
  public Long optionalInteger(JsonObject o, String at, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    throw wrong(at, field, "an integer", v);
  }

  /** A required finite number. */
  public double number(JsonObject o, String at, String field) {
    Double v = optionalNumber(o, at, field);
    if (v == null) {
      throw missing(at, field, "a number");
    }
    return v;
  }

  /** An optional finite number. */
  public Double optionalNumber(JsonObject o, String at, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw wrong(at, field, "a finite number", v);
  }

  /** A required non-blank string. */
  public String text(JsonObject o, String at, String field) {
    String v = optionalText(o, at, field);
    if (v == null || v.isBlank()) {
      throw missing(at, field, "a non-empty string");
    }
    return v;
  }

  /** An optional string. */
  public String optionalText(JsonObject o, String at, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof String s && s.length() <= MAX_TEXT) {
      return s;
    }
    throw wrong(at, field, "a string of at most " + MAX_TEXT + " characters", v);
  }

  /** A required boolean. */
  public boolean flag(JsonObject o, String at, String field) {
    Boolean v = optionalFlag(o, at, field);
    if (v == null) {
      throw missing(at, field, "true or false");
    }
    return v;
  }

  /** An optional boolean. */
  public Boolean optionalFlag(JsonObject o, String at, String field) {
    Object v = o.getValue(field);
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    throw wrong(at, field, "true or false", v);
  }

  /** A required array. */
  public JsonArray list(JsonObject o, String at, String field) {
    JsonArray v = optionalList(o, at, field);
    if (v == null) {
      throw missing(at, field, "an array");
    }
    return v;
  }

  /** An optional array. */
  public JsonArray optionalList(JsonObject o, String at, String field) {
    Object v = o.getValue(field);
    if (v == null || v instanceof JsonArray) {
      return (JsonArray) v;
    }
    throw wrong(at, field, "an array", v);
  }

  /** A required nested object. */
  public JsonObject child(JsonObject o, String at, String field) {
    JsonObject v = optionalChild(o, at, field);
    if (v == null) {
      throw missing(at, field, "an object");
    }
    return v;
  }

  /** An optional nested object. */
  public JsonObject optionalChild(JsonObject o, String at, String field) {
    Object v = o.getValue(field);
    if (v == null || v instanceof JsonObject) {
      return (JsonObject) v;
    }
    throw wrong(at, field, "an object", v);
  }

  /** A required 40-hex killmail hash. */
  public String hash(JsonObject o, String at, String field) {
    String v = optionalText(o, at, field);
    if (v == null) {
      throw missing(at, field, "a 40-character hex hash");
    }
    if (!HASH.matcher(v).matches()) {
      throw wrong(at, field, "a 40-character hex hash", v);
    }
    return v;
  }

  /** The i-th element of an array, which must be an object. */
  public JsonObject element(JsonArray array, String at, int index) {
    Object v = array.getValue(index);
    if (v instanceof JsonObject o) {
      return o;
    }
    throw malformed("'" + at + "[" + index + "]' must be an object, got " + kind(v));
  }

  /** Every element of an array as a positive id. */
  public List<Long> ids(JsonArray array, String at) {
    List<Long> ids = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object v = array.getValue(i);
      if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() <= 0) {
        throw malformed("'" + at + "[" + i + "]' must be a positive integer, got " + describe(v));
      }
      ids.add(((Number) v).longValue());
    }
    return ids;
  }

  /**
   * Requires an array to be no longer than {@code max} (hostile answers must not exhaust memory
   * downstream).
   */
  public void atMost(JsonArray array, String at, int max) {
    if (array.size() > max) {
      throw malformed(
          "'" + at + "' has " + array.size() + " entries, more than the " + max + " accepted");
    }
  }

  /**
   * Runs a contract's own check ({@code Zkb.fromJson}, {@code EsiKillmail.fromJson}): its breach is
   * a malformed answer, with the contract's message.
   */
  public <T> T contract(Supplier<T> read) {
    try {
      return read.get();
    } catch (MalformedKillmail e) {
      throw malformed(e.getMessage());
    }
  }

  /** A malformed-answer failure with this service and endpoint. */
  public UpstreamMalformed malformed(String detail) {
    return new UpstreamMalformed(service, endpoint, detail, null);
  }

  private UpstreamMalformed missing(String at, String field, String expected) {
    return malformed("field '" + path(at, field) + "' is missing; expected " + expected);
  }

  private UpstreamMalformed wrong(String at, String field, String expected, Object got) {
    return malformed(
        "field '" + path(at, field) + "' must be " + expected + ", got " + describe(got));
  }

  private static String path(String at, String field) {
    return at == null || at.isEmpty() ? field : at + "." + field;
  }

  private static String describe(Object v) {
    if (v instanceof String s) {
      return "\"" + shorten(s, 40) + "\"";
    }
    return v == null ? "null" : shorten(String.valueOf(v), 40) + " (" + kind(v) + ")";
  }

  private static String kind(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "an array";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    return v instanceof Number ? "a number" : v.getClass().getSimpleName();
  }

  private static String shorten(String s, int max) {
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }
}
