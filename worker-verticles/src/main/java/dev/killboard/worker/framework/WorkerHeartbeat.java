package dev.killboard.worker.framework;

import io.vertx.core.json.JsonObject;

/**
 * The clustered event-bus message a standalone worker (one that consumes no queue, such as {@code
 * redisq-stream}) publishes every {@value #INTERVAL_MS} ms while it runs: address {@value
 * #ADDRESS}, body {@code {"name": "redisq_stream", "pid": 4242, "description": ""}}. It is the wire
 * form the API's {@code WorkerHeartbeat} reads for {@code workerStatus.standaloneWorkers} (running
 * for 15 s after a beat; an empty description lets the API show its own for the workers it knows).
 */
public record WorkerHeartbeat(String name, long pid, String description) {
  /** The event-bus address every API instance listens on. */
  public static final String ADDRESS = "killboard.worker.heartbeat";

  /**
   * Time between two beats: a third of the API's 15 s, so one lost beat does not show the worker as
   * stopped.
   */
  public static final long INTERVAL_MS = 5_000;

  /**
   * The heartbeat of {@code workerName} in this process: the original's name style ({@code
   * redisq_stream}).
   */
  public static WorkerHeartbeat of(String workerName, String description) {
    return new WorkerHeartbeat(
        workerName.replace('-', '_'), ProcessHandle.current().pid(), description);
  }

  /** The wire form. */
  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("pid", pid).put("description", description);
  }
}
