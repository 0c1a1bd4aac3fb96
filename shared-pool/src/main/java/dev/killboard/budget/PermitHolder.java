package dev.killboard.budget;

import io.vertx.core.json.JsonObject;

/** One pool's share of a budget class: who holds how many permits. */
public record PermitHolder(String member, String address, long pid, String owner, String pool, String budgetClass, int held) {

  public JsonObject toJson() {
    return new JsonObject().put("member", member).put("address", address).put("pid", pid).put("owner", owner)
        .put("pool", pool).put("class", budgetClass).put("held", held);
  }

  public static PermitHolder fromJson(JsonObject json) {
    return new PermitHolder(json.getString("member"), json.getString("address"), json.getLong("pid", -1L),
        json.getString("owner"), json.getString("pool"), json.getString("class"), json.getInteger("held", 0));
  }

  @Override
  public String toString() {
    return owner + " (pool " + pool + ", pid " + pid + " at " + address + "): " + held;
  }
}
