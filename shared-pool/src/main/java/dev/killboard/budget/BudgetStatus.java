package dev.killboard.budget;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** Cluster-wide view of the budget: per class its size, the permits available, and who holds the rest. */
public record BudgetStatus(int total, Map<String, ClassStatus> classes) {

  /** One budget class. */
  public record ClassStatus(String name, int permits, int available, List<PermitHolder> holders) {
    public int inUse() {
      return permits - available;
    }

    public int heldByHolders() {
      return holders.stream().mapToInt(PermitHolder::held).sum();
    }
  }

  public JsonObject toJson() {
    JsonObject out = new JsonObject().put("total", total);
    JsonObject cls = new JsonObject();
    classes.forEach((name, c) -> {
      JsonArray holders = new JsonArray();
      c.holders().forEach(h -> holders.add(h.toJson()));
      cls.put(name, new JsonObject().put("permits", c.permits()).put("available", c.available())
          .put("inUse", c.inUse()).put("holders", holders));
    });
    return out.put("classes", cls);
  }

  /** A human-readable table for the demo and the CLI. */
  public String render() {
    StringBuilder sb = new StringBuilder("Connection budget: ").append(total).append(" physical connections\n");
    classes.values().forEach(c -> {
      sb.append(String.format("  %-8s %2d/%2d in use%n", c.name(), c.inUse(), c.permits()));
      c.holders().forEach(h -> sb.append("      ").append(h).append('\n'));
    });
    return sb.toString();
  }
}
