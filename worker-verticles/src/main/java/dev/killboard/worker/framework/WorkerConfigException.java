package dev.killboard.worker.framework;

/** A worker's settings are invalid; the message names each bad setting and what to change. */
public final class WorkerConfigException extends RuntimeException {
  /** An exception with the full, operator-facing message. */
  public WorkerConfigException(String message) {
    super(message);
  }
}
