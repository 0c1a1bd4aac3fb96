package dev.killboard.api.subscriptions;

import io.vertx.core.json.JsonObject;

/**
 * The message a standalone worker (one that consumes no queue, such as the live R2Z2 stream)
 * publishes on the clustered event bus every few seconds while it runs, so {@code
 * workerStatus.standaloneWorkers} can show it: {@code
 * vertx.eventBus().publish(WorkerHeartbeat.ADDRESS, new WorkerHeartbeat("redisq_stream", pid,
 * "...").toJson())}.
 */
public record WorkerHeartbeat(String name, long pid, String description) {
  /** The event bus address. */
  public static final String ADDRESS = "killboard.worker.heartbeat";

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("pid", pid).put("description", description);
  }

  /** Reads the wire form; fails with IllegalArgumentException when it is not one. */
  public static WorkerHeartbeat fromJson(Object body) {
    if (!(body instanceof JsonObject json)
        || !(json.getValue("name") instanceof String name)
        || name.isBlank()
        || name.length() > 100) {
      throw new IllegalArgumentException("a WorkerHeartbeat body is a JSON object with a name");
    }
    Object pid = json.getValue("pid");
    String description = json.getValue("description") instanceof String d ? d : "";
    return new WorkerHeartbeat(
        name,
        pid instanceof Number n ? n.longValue() : 0,
        description.length() > 300 ? description.substring(0, 300) : description);
  }
}
