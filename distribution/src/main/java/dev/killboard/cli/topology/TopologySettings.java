package dev.killboard.cli.topology;

import dev.killboard.config.Env;
import java.time.Duration;

/** What {@code killboard topology} reads from its own environment (not from the file). */
public record TopologySettings(String stateDir, Duration startTimeout) {
  public static TopologySettings from(Env env) {
    return new TopologySettings(
        env.string(TopologyCommand.STATE_DIR, null)
            .about(
                "where killboard topology keeps the pid files and logs of the processes it starts (default .killboard/<topology name>)"),
        env.duration("KILLBOARD_TOPOLOGY_START", "180s", "1s", "1d")
            .about("how long killboard topology waits for a process it started to deploy"));
  }
}
