package dev.killboard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.killboard.config.Env;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/** The logging variables of a packaged process, read before its first log line. */
public record LogSettings(String format, String rootLevel, Map<String, String> loggerLevels) {
  private static final List<String> LEVELS =
      List.of("trace", "debug", "info", "warn", "error", "off");

  public static LogSettings from(Env env) {
    String format =
        env.string(
                "KILLBOARD_LOG_FORMAT",
                "plain",
                Pattern.compile("(?i)plain|json"),
                "plain or json (one JSON object per line)")
            .about("the log format of a packaged process");
    String root =
        env.string(
                "KILLBOARD_LOG_LEVEL",
                "info",
                Pattern.compile("(?i)" + String.join("|", LEVELS)),
                "one of " + LEVELS)
            .about("the root log level");
    Map<String, String> levels = new LinkedHashMap<>();
    for (String entry :
        env.list("KILLBOARD_LOG_LEVELS", List.of())
            .about("per-logger levels, e.g. dev.killboard.budget=debug")) {
      int eq = entry.indexOf('=');
      String logger = eq < 0 ? "" : entry.substring(0, eq).trim();
      String level = eq < 0 ? "" : entry.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
      env.require(
          logger.matches("[A-Za-z_$][A-Za-z0-9_$.-]*") && LEVELS.contains(level),
          "KILLBOARD_LOG_LEVELS has an invalid entry '%s': write logger=level pairs separated by commas, e.g. dev.killboard.budget=debug,com.hazelcast=warn, with levels %s."
              .formatted(entry, LEVELS));
      levels.put(logger, level);
    }
    return new LogSettings(
        format.toLowerCase(Locale.ROOT),
        root.toLowerCase(Locale.ROOT),
        Collections.unmodifiableMap(levels));
  }

  /**
   * Points logback at conf/logback.xml or conf/logback-json.xml (unless {@code
   * -Dlogback.configurationFile} names another), hands it the root level (as a system property,
   * which logback reads before the environment) and sets the per-logger levels. Runs before the
   * first log line: logback reads its configuration on first use.
   */
  public void apply() {
    String home = System.getProperty("killboard.home"); // set by bin/killboard
    if (home != null && System.getProperty("logback.configurationFile") == null) {
      String file = format.equals("json") ? "logback-json.xml" : "logback.xml";
      System.setProperty("logback.configurationFile", Path.of(home, "conf", file).toString());
    }
    System.setProperty("KILLBOARD_LOG_LEVEL", rootLevel.toUpperCase(Locale.ROOT));
    if (loggerLevels.isEmpty()) {
      return;
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      // Another SLF4J backend on the class path (a changed lib/): its own configuration decides.
      System.err.println(
          "killboard: KILLBOARD_LOG_LEVELS ignored, logback is not the logging backend");
      return;
    }
    loggerLevels.forEach(
        (logger, level) -> context.getLogger(logger).setLevel(Level.toLevel(level)));
  }
}
