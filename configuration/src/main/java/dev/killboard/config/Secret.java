package dev.killboard.config;

/**
 * A credential read from the environment: a record holding one prints {@code ****} for it, so a
 * settings record's own {@code toString} can be logged as it is.
 */
public record Secret(String value) {
  /** The text of {@code secret}, or null when it is unset. */
  public static String reveal(Secret secret) {
    return secret == null ? null : secret.value;
  }

  @Override
  public String toString() {
    return "****";
  }
}
