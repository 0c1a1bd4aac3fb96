package dev.killboard.upstream.zkillboard;

import dev.killboard.upstream.JsonShape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The {@code zkb} block as Killboard stores it: hash required; values, flags and labels typed when
 * present.
 */
public final class ZkbShapes {
  private ZkbShapes() {}

  /** Checks a {@code zkb} object found at {@code at}; returns it. */
  public static JsonObject zkb(JsonShape s, JsonObject zkb, String at) {
    s.hash(zkb, at, "hash");
    s.optionalId(zkb, at, "locationID");
    for (String field :
        new String[] {"fittedValue", "droppedValue", "destroyedValue", "totalValue"}) {
      Double v = s.optionalNumber(zkb, at, field);
      if (v != null && v < 0) {
        throw s.malformed("field '" + at + "." + field + "' is negative");
      }
    }
    s.optionalInteger(zkb, at, "points");
    for (String field : new String[] {"npc", "solo", "awox"}) {
      s.optionalFlag(zkb, at, field);
    }
    JsonArray labels = s.optionalList(zkb, at, "labels");
    if (labels != null) {
      s.atMost(labels, at + ".labels", 100);
      for (int i = 0; i < labels.size(); i++) {
        if (!(labels.getValue(i) instanceof String)) {
          throw s.malformed("'" + at + ".labels[" + i + "]' must be a string");
        }
      }
    }
    return zkb;
  }
}
