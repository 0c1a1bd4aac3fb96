package dev.killboard.budget;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One pool's share of a budget class: who holds how many permits, and the PostgreSQL backends (server process ids) of
 * its open connections, so that another member can end them when this member stops answering.
 */
public record PermitHolder(String member, String address, long pid, String owner, String pool, String budgetClass, int held,
    List<Integer> backends) {

  public PermitHolder {
    backends = backends == null ? List.of() : List.copyOf(backends);
  }

  public JsonObject toJson() {
    return new JsonObject().put("member", member).put("address", address).put("pid", pid).put("owner", owner)
        .put("pool", pool).put("class", budgetClass).put("held", held).put("backends", new JsonArray(new ArrayList<>(backends)));
  }

  public static PermitHolder fromJson(JsonObject json) {
    JsonArray backends = json.getJsonArray("backends", new JsonArray());
    List<Integer> pids = new ArrayList<>();
    backends.forEach(b -> pids.add(((Number) b).intValue()));
    return new PermitHolder(json.getString("member"), json.getString("address"), json.getLong("pid", -1L),
        json.getString("owner"), json.getString("pool"), json.getString("class"), json.getInteger("held", 0), pids);
  }

  @Override
  public String toString() {
    return owner + " (pool " + pool + ", pid " + pid + " at " + address + "): " + held;
  }
}
