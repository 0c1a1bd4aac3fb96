package dev.killboard.management;

import dev.killboard.config.Env;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the management server listens: {@code KILLBOARD_MANAGEMENT_HOST} (default 127.0.0.1,
 * loopback only) and {@code KILLBOARD_MANAGEMENT_PORT} (default 9090; 0 switches it off). Processes
 * that share a host need a port each.
 */
public record ManagementSettings(String host, int port) {

  public static final String HOST = "KILLBOARD_MANAGEMENT_HOST";
  public static final String PORT = "KILLBOARD_MANAGEMENT_PORT";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9090;

  /** Reads the management host and port. */
  public static ManagementSettings from(Env env) {
    return new ManagementSettings(
        env.string(
            HOST,
            DEFAULT_HOST,
            Pattern.compile("[^ /]+"),
            "an interface address such as 127.0.0.1 (loopback only) or 0.0.0.0 (every interface)",
            "where the management port (/health, /metrics, /budget) listens"),
        env.integer(
            PORT,
            DEFAULT_PORT,
            0,
            65_535,
            "the management port, a different one for each process on a host (0: off)"));
  }

  /** Reads {@code env} and fails with every problem at once. */
  public static ManagementSettings fromEnv(Map<String, String> env) {
    return Env.read(env, ManagementSettings::from);
  }

  /** False when {@code KILLBOARD_MANAGEMENT_PORT=0}. */
  public boolean enabled() {
    return port != 0;
  }
}
