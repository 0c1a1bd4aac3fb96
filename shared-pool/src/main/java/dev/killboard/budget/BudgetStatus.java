package dev.killboard.budget;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Cluster-wide view of the budget: per class its size, the permits available, who holds the rest,
 * and which pools wait for a permit (read without taking one).
 */
public record BudgetStatus(int total, Map<String, ClassStatus> classes) {

  /**
   * One budget class: {@code holders} hold permits, {@code waiters} wait for one (a pool can be
   * both).
   */
  public record ClassStatus(
      String name,
      int permits,
      int available,
      List<PermitHolder> holders,
      List<PermitHolder> waiters) {
    public ClassStatus {
      holders = holders == null ? List.of() : List.copyOf(holders);
      waiters = waiters == null ? List.of() : List.copyOf(waiters);
    }

    /** A class without recorded waiters. */
    public ClassStatus(String name, int permits, int available, List<PermitHolder> holders) {
      this(name, permits, available, holders, List.of());
    }

    public int inUse() {
      return permits - available;
    }

    public int heldByHolders() {
      return holders.stream().mapToInt(PermitHolder::held).sum();
    }

    /** Acquisitions waiting for a permit of this class, cluster-wide. */
    public int waiting() {
      return waiters.stream().mapToInt(PermitHolder::waiting).sum();
    }
  }

  public JsonObject toJson() {
    JsonObject out = new JsonObject().put("total", total);
    JsonObject cls = new JsonObject();
    classes.forEach(
        (name, c) -> {
          JsonArray holders = new JsonArray();
          c.holders().forEach(h -> holders.add(h.toJson()));
          JsonArray waiters = new JsonArray();
          c.waiters().forEach(w -> waiters.add(w.toJson()));
          cls.put(
              name,
              new JsonObject()
                  .put("permits", c.permits())
                  .put("available", c.available())
                  .put("inUse", c.inUse())
                  .put("holders", holders)
                  .put("waiting", c.waiting())
                  .put("waiters", waiters));
        });
    return out.put("classes", cls);
  }

  /** A human-readable table for the demo and the CLI. */
  public String render() {
    long now = System.currentTimeMillis();
    StringBuilder sb =
        new StringBuilder("Connection budget: ").append(total).append(" physical connections\n");
    classes
        .values()
        .forEach(
            c -> {
              sb.append(String.format("  %-8s %2d/%2d in use", c.name(), c.inUse(), c.permits()));
              sb.append(
                  c.waiters().isEmpty()
                      ? "\n"
                      : String.format(
                          ", %d waiting in %d pool(s)%n", c.waiting(), c.waiters().size()));
              c.holders().forEach(h -> sb.append("      ").append(h).append('\n'));
              c.waiters()
                  .forEach(
                      w -> sb.append("      waits: ").append(w.describeWait(now)).append('\n'));
            });
    return sb.toString();
  }
}
