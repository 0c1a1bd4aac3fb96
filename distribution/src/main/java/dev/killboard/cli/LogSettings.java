package dev.killboard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.killboard.config.Env;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The logging variables of a packaged process, read by {@link #from(Env)} before the first log
 * line: {@code KILLBOARD_LOG_FORMAT} (plain or json), {@code KILLBOARD_LOG_LEVEL} (root level) and
 * {@code KILLBOARD_LOG_LEVELS} (per-logger levels, logger name to level in the order given).
 */
public record LogSettings(String format, String rootLevel, Map<String, String> loggerLevels) {
  public static final String ENV_FORMAT = "KILLBOARD_LOG_FORMAT";
  public static final String ENV_LEVEL = "KILLBOARD_LOG_LEVEL";
  public static final String ENV_LEVELS = "KILLBOARD_LOG_LEVELS";

  /** The installation directory, set by bin/killboard. */
  static final String HOME_PROPERTY = "killboard.home";

  static final String LOGBACK_FILE_PROPERTY = "logback.configurationFile";

  private static final List<String> LEVELS =
      List.of("trace", "debug", "info", "warn", "error", "off");
  private static final Pattern LEVEL = Pattern.compile("(?i)trace|debug|info|warn|error|off");
  private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.-]*");

  public LogSettings {
    loggerLevels = Collections.unmodifiableMap(new LinkedHashMap<>(loggerLevels));
  }

  /** Reads the logging variables; blank ones keep their default (plain, info, none). */
  public static LogSettings from(Env env) {
    String format =
        env.string(
            ENV_FORMAT,
            "plain",
            Pattern.compile("(?i)plain|json"),
            "plain or json (one JSON object per line)",
            "the log format of a packaged process");
    String root = env.string(ENV_LEVEL, "info", LEVEL, "one of " + LEVELS, "the root log level");
    Map<String, String> levels = new LinkedHashMap<>();
    for (String entry :
        env.list(ENV_LEVELS, List.of(), "per-logger levels, e.g. dev.killboard.budget=debug")) {
      int eq = entry.indexOf('=');
      String logger = eq < 0 ? "" : entry.substring(0, eq).trim();
      String level = eq < 0 ? "" : entry.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
      if (!LOGGER_NAME.matcher(logger).matches() || !LEVELS.contains(level)) {
        env.problem(
            ENV_LEVELS
                + " has an invalid entry '"
                + entry
                + "': write logger=level pairs separated by"
                + " commas, e.g. dev.killboard.budget=debug,com.hazelcast=warn, with levels "
                + LEVELS
                + ".");
      }
      levels.put(logger, level);
    }
    return new LogSettings(format.toLowerCase(Locale.ROOT), root.toLowerCase(Locale.ROOT), levels);
  }

  /** Reads {@code env} and fails with every problem at once. */
  public static LogSettings fromEnv(Map<String, String> env) {
    return Env.read(env, LogSettings::from);
  }

  /**
   * Points logback at the installation's conf/logback.xml or conf/logback-json.xml (unless {@code
   * -Dlogback.configurationFile} names another), hands it the root level (system properties come
   * before the environment in logback's lookup, so the checked value wins) and applies the
   * per-logger levels. Must run before anything logs, since logback reads its configuration on
   * first use.
   */
  public void apply() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && System.getProperty(LOGBACK_FILE_PROPERTY) == null) {
      String file = format.equals("json") ? "logback-json.xml" : "logback.xml";
      System.setProperty(
          LOGBACK_FILE_PROPERTY, java.nio.file.Path.of(home, "conf", file).toString());
    }
    System.setProperty(ENV_LEVEL, rootLevel.toUpperCase(Locale.ROOT));
    if (loggerLevels.isEmpty()) {
      return;
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      // Another SLF4J backend on the class path (a changed lib/): its own configuration decides.
      System.err.println(
          "killboard: " + ENV_LEVELS + " ignored, logback is not the logging backend");
      return;
    }
    loggerLevels.forEach(
        (logger, level) -> context.getLogger(logger).setLevel(Level.toLevel(level)));
  }
}
