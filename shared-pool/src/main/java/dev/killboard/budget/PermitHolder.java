package dev.killboard.budget;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One pool's share of a budget class: who holds how many permits, and the PostgreSQL backends
 * (server process ids) of its open connections, so that another member can end them when this
 * member stops answering. A pool that waits for a permit says so too: {@code waiting} acquisitions
 * under way (none came free yet), since {@code waitingSince} (epoch milliseconds, 0 when it does
 * not wait).
 */
public record PermitHolder(
    String member,
    String address,
    long pid,
    String owner,
    String pool,
    String budgetClass,
    int held,
    List<Integer> backends,
    int waiting,
    long waitingSince) {

  public PermitHolder {
    backends = backends == null ? List.of() : List.copyOf(backends);
  }

  /** A pool that holds permits and waits for none. */
  public PermitHolder(
      String member,
      String address,
      long pid,
      String owner,
      String pool,
      String budgetClass,
      int held,
      List<Integer> backends) {
    this(member, address, pid, owner, pool, budgetClass, held, backends, 0, 0);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("member", member)
            .put("address", address)
            .put("pid", pid)
            .put("owner", owner)
            .put("pool", pool)
            .put("class", budgetClass)
            .put("held", held)
            .put("backends", new JsonArray(new ArrayList<>(backends)));
    if (waiting > 0) {
      json.put("waiting", waiting)
          .put("waitingSince", Instant.ofEpochMilli(waitingSince).toString());
    }
    return json;
  }

  public static PermitHolder fromJson(JsonObject json) {
    JsonArray backends = json.getJsonArray("backends", new JsonArray());
    List<Integer> pids = new ArrayList<>();
    backends.forEach(b -> pids.add(((Number) b).intValue()));
    String since = json.getString("waitingSince");
    return new PermitHolder(
        json.getString("member"),
        json.getString("address"),
        json.getLong("pid", -1L),
        json.getString("owner"),
        json.getString("pool"),
        json.getString("class"),
        json.getInteger("held", 0),
        pids,
        json.getInteger("waiting", 0),
        since == null ? 0 : Instant.parse(since).toEpochMilli());
  }

  /**
   * How a waiting pool reads in a status: who, how many acquisitions, since when and for how long.
   */
  public String describeWait(long nowMillis) {
    return owner
        + " (pool "
        + pool
        + ", pid "
        + pid
        + " at "
        + address
        + ", member "
        + member
        + "): "
        + waiting
        + " waiting since "
        + Instant.ofEpochMilli(waitingSince)
        + " ("
        + Math.max(0, (nowMillis - waitingSince) / 1000)
        + " s)";
  }

  @Override
  public String toString() {
    return owner + " (pool " + pool + ", pid " + pid + " at " + address + "): " + held;
  }
}
