package dev.killboard.worker.framework;

import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;

/**
 * Recognises failures that mean PostgreSQL is unreachable or restarting (refused, reset or closed
 * connections, SQLSTATE class 08, and {@code 57P01}-{@code 57P03}: shut down by an administrator,
 * crashed, not accepting connections yet), as opposed to a statement the database refused. A job
 * that fails this way is not at fault and should not spend one of its queue attempts.
 */
public final class DatabaseOutage {
  private static final Set<String> SHUTDOWN_STATES = Set.of("57P01", "57P02", "57P03");

  private DatabaseOutage() {}

  /**
   * Whether {@code failure} (or one of its causes) says the database is unreachable or restarting.
   */
  public static boolean is(Throwable failure) {
    // Bounded: a cause chain with a loop must not hang the worker.
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof ClosedConnectionException
          || t instanceof SocketException
          || t instanceof ClosedChannelException) {
        return true;
      }
      if (t instanceof DatabaseException db
          && db.getSqlState() != null
          && (db.getSqlState().startsWith("08") || SHUTDOWN_STATES.contains(db.getSqlState()))) {
        return true;
      }
    }
    return false;
  }
}
