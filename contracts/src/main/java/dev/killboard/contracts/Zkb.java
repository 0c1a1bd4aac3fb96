package dev.killboard.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * zKillboard's {@code zkb} block of a killmail, typed: the hash, where it happened ({@code
 * locationID}), the values in ISK, points, the npc/solo/awox flags and the labels. Every field but
 * the labels is null when zKillboard leaves it out; the labels are then empty. Built by {@link
 * #fromJson}, the one check of the block for the zKillboard history API, the R2Z2 feed and archive
 * entries alike.
 */
public record Zkb(
    String hash,
    Long locationId,
    Double totalValue,
    Double fittedValue,
    Double destroyedValue,
    Double droppedValue,
    Integer points,
    Boolean npc,
    Boolean solo,
    Boolean awox,
    List<String> labels) {
  /** Labels per killmail; zKillboard sets a handful, far more is not its answer. */
  public static final int MAX_LABELS = 100;

  private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{40}");
  private static final String[] VALUES = {
    "totalValue", "fittedValue", "destroyedValue", "droppedValue"
  };

  public Zkb {
    labels = List.copyOf(labels);
  }

  /**
   * Checks and reads the block found at {@code at} (e.g. {@code zkb}, {@code [3].zkb}; messages
   * name fields by it): the hash, when present, 40 hexadecimal digits; {@code locationID} a
   * positive id; values finite and {@code >= 0}; points a whole number within {@code integer};
   * flags true or false; at most {@value #MAX_LABELS} labels, each a string. Other fields ({@code
   * href}) are ignored.
   *
   * @throws MalformedKillmail naming the first field that breaks a rule
   */
  public static Zkb fromJson(JsonObject zkb, String at) {
    String prefix = at + ".";
    String hash = null;
    Object h = zkb.getValue("hash");
    if (h != null) {
      if (!(h instanceof String s) || !HASH.matcher(s).matches()) {
        throw new MalformedKillmail(
            prefix
                + "hash '"
                + KillmailShape.abbreviate(String.valueOf(h))
                + "' is not 40 hexadecimal digits");
      }
      hash = s;
    }
    Long location = null;
    Object l = zkb.getValue("locationID");
    if (l != null) {
      location = KillmailShape.integral(l, prefix + "locationID", Long.MIN_VALUE, Long.MAX_VALUE);
      if (location <= 0) {
        throw new MalformedKillmail(prefix + "locationID must be a positive id, got " + location);
      }
    }
    Double[] values = new Double[VALUES.length];
    for (int i = 0; i < VALUES.length; i++) {
      Object v = zkb.getValue(VALUES[i]);
      if (v == null) {
        continue;
      }
      if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw new MalformedKillmail(prefix + VALUES[i] + " must be a finite number");
      }
      if (n.doubleValue() < 0) {
        throw new MalformedKillmail(prefix + VALUES[i] + " must not be negative");
      }
      values[i] = n.doubleValue();
    }
    Object p = zkb.getValue("points");
    Integer points =
        p == null
            ? null
            : (int)
                KillmailShape.integral(p, prefix + "points", Integer.MIN_VALUE, Integer.MAX_VALUE);
    Boolean npc = flag(zkb, "npc", prefix);
    Boolean solo = flag(zkb, "solo", prefix);
    Boolean awox = flag(zkb, "awox", prefix);
    List<String> labels = new ArrayList<>();
    Object ls = zkb.getValue("labels");
    if (ls != null) {
      if (!(ls instanceof JsonArray array)
          || array.stream().anyMatch(x -> !(x instanceof String))) {
        throw new MalformedKillmail(prefix + "labels must be an array of strings");
      }
      if (array.size() > MAX_LABELS) {
        throw new MalformedKillmail(
            prefix + "labels holds " + array.size() + " labels, more than " + MAX_LABELS);
      }
      array.forEach(x -> labels.add((String) x));
    }
    return new Zkb(
        hash, location, values[0], values[1], values[2], values[3], points, npc, solo, awox,
        labels);
  }

  /**
   * This block when it carries a hash, as zKillboard's own answers do (the history API, R2Z2).
   *
   * @throws MalformedKillmail naming {@code at.hash} when it has none
   */
  public Zkb requireHash(String at) {
    if (hash == null) {
      throw new MalformedKillmail("missing " + at + ".hash");
    }
    return this;
  }

  /** The block as zKillboard writes it, with the fields this record holds. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    put(o, "hash", hash);
    put(o, "locationID", locationId);
    put(o, "totalValue", totalValue);
    put(o, "fittedValue", fittedValue);
    put(o, "destroyedValue", destroyedValue);
    put(o, "droppedValue", droppedValue);
    put(o, "points", points);
    put(o, "npc", npc);
    put(o, "solo", solo);
    put(o, "awox", awox);
    return o.put("labels", new JsonArray(new ArrayList<Object>(labels)));
  }

  private static void put(JsonObject o, String field, Object value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static Boolean flag(JsonObject zkb, String field, String prefix) {
    Object v = zkb.getValue(field);
    if (v != null && !(v instanceof Boolean)) {
      throw new MalformedKillmail(prefix + field + " must be true or false");
    }
    return (Boolean) v;
  }
}
