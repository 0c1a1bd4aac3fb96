package dev.killboard.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the fake upstreams for the offline demo and prints the environment that points Killboard at
 * them.
 *
 * <pre>
 * java -cp ... dev.killboard.fake.FakeUpstreamsMain [--port=8090] [--seed=42] [--killmails=20000]
 *     [--live-interval-ms=2000] [--separate-ports] [--history-end=2026-05-01T00:00:00Z] [--stop-after-seconds=0]
 * </pre>
 *
 * Each option may also come from the environment ({@code KILLBOARD_FAKE_PORT}, {@code
 * KILLBOARD_FAKE_SEED}, ...).
 */
public final class FakeUpstreamsMain {

  /** Parsed command line. */
  public record Config(
      int port,
      long seed,
      int killmails,
      long liveIntervalMs,
      boolean separatePorts,
      Instant historyEnd,
      long stopAfterSeconds) {}

  private FakeUpstreamsMain() {}

  /**
   * Starts the fakes and prints their environment; runs until killed or {@code
   * --stop-after-seconds}.
   */
  public static void main(String[] args) {
    Config config;
    try {
      config = parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
    start(vertx, config, System.out)
        .onFailure(
            e -> {
              System.err.println("Fake upstreams failed to start: " + e.getMessage());
              vertx.close().onComplete(x -> System.exit(1));
            })
        .onSuccess(
            fakes -> {
              if (config.stopAfterSeconds() > 0) {
                vertx.setTimer(
                    config.stopAfterSeconds() * 1000,
                    id -> vertx.close().onComplete(x -> System.exit(0)));
              }
            });
  }

  /**
   * Starts the fakes for a config, publishes live killmails every interval, and prints the
   * environment to {@code out}.
   */
  public static Future<FakeUpstreams> start(Vertx vertx, Config config, PrintStream out) {
    UniverseSpec spec =
        UniverseSpec.defaults()
            .withSeed(config.seed())
            .withKillmails(config.killmails())
            .withHistoryEnd(config.historyEnd());
    FakeUniverse universe = FakeUniverse.generate(spec);
    FakeUpstreams.Options options =
        new FakeUpstreams.Options()
            .universe(universe)
            .port(config.port())
            .separatePorts(config.separatePorts());
    return FakeUpstreams.start(vertx, options)
        .onSuccess(
            fakes -> {
              out.println(
                  "Fake upstreams are up (seed "
                      + config.seed()
                      + ", "
                      + universe.killmailCount()
                      + " killmails)."
                      + " Point Killboard at them with:");
              fakes.environment().forEach((k, v) -> out.println("export " + k + "='" + v + "'"));
              if (config.liveIntervalMs() > 0) {
                vertx.setPeriodic(config.liveIntervalMs(), id -> fakes.r2z2().publishNew(1));
              }
            });
  }

  /**
   * Parses {@code --name=value} arguments, falling back to {@code KILLBOARD_FAKE_NAME} in the
   * environment.
   */
  public static Config parse(String[] args, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    for (String arg : args) {
      if (arg.equals("--separate-ports")) {
        values.put("separate-ports", "true");
        continue;
      }
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException(
            "Unknown argument '" + arg + "'; use --name=value (see the class Javadoc).");
      }
      values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    Instant defaultEnd = Instant.now().truncatedTo(ChronoUnit.HOURS);
    String end = value(values, env, "history-end", defaultEnd.toString());
    Instant historyEnd;
    try {
      historyEnd = Instant.parse(end);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--history-end / KILLBOARD_FAKE_HISTORY_END='"
              + end
              + "' is not an ISO instant such as 2026-05-01T00:00:00Z.");
    }
    return new Config(
        (int) number(values, env, "port", 8090, 0, 65_535),
        number(values, env, "seed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
        (int) number(values, env, "killmails", 20_000, 0, 2_000_000),
        number(values, env, "live-interval-ms", 2000, 0, 3_600_000),
        Boolean.parseBoolean(value(values, env, "separate-ports", "false")),
        historyEnd,
        number(values, env, "stop-after-seconds", 0, 0, 86_400 * 365));
  }

  private static String value(
      Map<String, String> values, Map<String, String> env, String name, String fallback) {
    String v = values.get(name);
    if (v == null) {
      v = env.get("KILLBOARD_FAKE_" + name.toUpperCase().replace('-', '_'));
    }
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static long number(
      Map<String, String> values,
      Map<String, String> env,
      String name,
      long fallback,
      long min,
      long max) {
    String raw = value(values, env, name, Long.toString(fallback));
    try {
      long v = Long.parseLong(raw);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--"
              + name
              + " / KILLBOARD_FAKE_"
              + name.toUpperCase().replace('-', '_')
              + "='"
              + raw
              + "' must be a whole number from "
              + min
              + " to "
              + max
              + " (default "
              + fallback
              + ").");
    }
  }
}
