package dev.killboard.management;

import java.util.Map;

/**
 * Where the management server listens: {@code KILLBOARD_MANAGEMENT_HOST} (default 127.0.0.1, loopback only) and
 * {@code KILLBOARD_MANAGEMENT_PORT} (default 9090; 0 switches it off). Processes that share a host need a port each.
 */
public record ManagementSettings(String host, int port) {

  public static final String HOST = "KILLBOARD_MANAGEMENT_HOST";
  public static final String PORT = "KILLBOARD_MANAGEMENT_PORT";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9090;

  /**
   * Reads and validates the settings.
   *
   * @throws IllegalArgumentException naming the variable and what to set, when a value is invalid
   */
  public static ManagementSettings fromEnv(Map<String, String> env) {
    String host = env.getOrDefault(HOST, "").trim();
    if (host.isEmpty()) {
      host = DEFAULT_HOST;
    }
    if (host.contains(" ") || host.contains("/")) {
      throw new IllegalArgumentException(HOST + "='" + host + "' is not a host name or address: set an interface"
          + " address such as 127.0.0.1 (default, loopback only) or 0.0.0.0 (every interface)");
    }
    String raw = env.getOrDefault(PORT, "").trim();
    int port = DEFAULT_PORT;
    if (!raw.isEmpty()) {
      try {
        port = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(PORT + "='" + raw + "' is not a port: set 1-65535 (default " + DEFAULT_PORT
            + ", a different one for each process on a host), or 0 to switch the management server off");
      }
    }
    return new ManagementSettings(host, port);
  }

  /** False when {@code KILLBOARD_MANAGEMENT_PORT=0}. */
  public boolean enabled() {
    return port != 0;
  }
}
