package dev.killboard.management;

import dev.killboard.config.Env;
import java.util.regex.Pattern;

/** Where a process's management server listens; processes that share a host need a port each. */
public record ManagementSettings(String host, int port) {
  public static final String PORT = "KILLBOARD_MANAGEMENT_PORT";

  public static ManagementSettings from(Env env) {
    return new ManagementSettings(
        env.string(
                "KILLBOARD_MANAGEMENT_HOST",
                "127.0.0.1",
                Pattern.compile("[^ /]+"),
                "an interface address such as 127.0.0.1 (loopback only) or 0.0.0.0 (every interface)")
            .about("where the management port (/health, /metrics, /budget) listens"),
        env.integer(PORT, 9090, 0, 65_535)
            .about("the management port, a different one for each process on a host (0: off)"));
  }

  /** False when {@code KILLBOARD_MANAGEMENT_PORT=0}. */
  public boolean enabled() {
    return port != 0;
  }
}
