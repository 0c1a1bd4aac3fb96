package dev.killboard.schema;

/** Migrating the schema failed; the message says why and never contains the database password. */
public final class SchemaMigrationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception; {@code cause} is kept for its type and stack, its message is already
   * folded in.
   */
  public SchemaMigrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
