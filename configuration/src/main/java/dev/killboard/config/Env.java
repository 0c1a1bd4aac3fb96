package dev.killboard.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * The one reader of environment variables. Each getter declares its variable (name, type, default,
 * range, description: the catalog behind docs/configuration.md), returns the default for an unset,
 * blank or wrong value and records what is wrong, so {@link #check()} reports every problem at
 * once.
 */
public final class Env {
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");
  private static final String DURATION_FORMS = "500ms, 30s, 5m, 2h or PT30S";

  private final Map<String, String> vars;
  private final Map<String, Setting> declared = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private Env(Map<String, String> vars) {
    this.vars =
        Map.copyOf(
            vars.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
  }

  /** Reads {@code vars}, typically a copy of the process environment. */
  public static Env of(Map<String, String> vars) {
    return new Env(vars);
  }

  /** Reads {@code vars} with {@code reader} and fails with every problem at once. */
  public static <T> T read(Map<String, String> vars, Function<Env, T> reader) {
    Env env = of(vars);
    T value = reader.apply(env);
    env.check();
    return value;
  }

  /** The variables as given, for handing on to child processes. */
  public Map<String, String> vars() {
    return vars;
  }

  /**
   * Whether {@code name} holds a non-blank value (blank counts as unset: orchestrators export empty
   * variables).
   */
  public boolean isSet(String name) {
    return raw(name) != null;
  }

  /** Text, or {@code def} (may be null) when unset. */
  public String string(String name, String def, String description) {
    declare(name, "string", def, "", description, null);
    String v = raw(name);
    return v == null ? def : v;
  }

  /** Text matching {@code allowed}, or {@code def}; {@code rule} says what is allowed. */
  public String string(String name, String def, Pattern allowed, String rule, String description) {
    declare(name, "string", def, rule, description, null);
    String v = raw(name);
    if (v != null && !allowed.matcher(v).matches()) {
      problem(
          name
              + "='"
              + v
              + "' is invalid: use "
              + rule
              + " (default "
              + def
              + "). "
              + description
              + ".");
      return def;
    }
    return v == null ? def : v;
  }

  /** A secret, or null when unset; never echoed in a message. */
  public String secret(String name, String description) {
    declare(name, "secret", null, "", description, null);
    return raw(name);
  }

  /** A whole number from {@code min} to {@code max}. */
  public int integer(String name, int def, int min, int max, String description) {
    return (int) longValue(name, def, min, max, description);
  }

  /** A whole number from {@code min} to {@code max}. */
  public long longValue(String name, long def, long min, long max, String description) {
    declare(name, "integer", Long.toString(def), min + ".." + max, description, null);
    String v = raw(name);
    if (v == null) {
      return def;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
      problem(
          name
              + "="
              + n
              + " must be from "
              + min
              + " to "
              + max
              + " (default "
              + def
              + "): "
              + description
              + ".");
    } catch (NumberFormatException e) {
      problem(
          name
              + "='"
              + v
              + "' is not a whole number; set a number from "
              + min
              + " to "
              + max
              + " (default "
              + def
              + "): "
              + description
              + ".");
    }
    return def;
  }

  /** A number from {@code min} to {@code max}, exclusive of {@code min} when {@code min} is 0. */
  public double decimal(String name, double def, double min, double max, String description) {
    String range = (min == 0 ? "above 0" : "from " + plain(min)) + " and at most " + plain(max);
    declare(name, "number", plain(def), range, description, null);
    String v = raw(name);
    if (v == null) {
      return def;
    }
    try {
      double n = Double.parseDouble(v);
      if (!Double.isNaN(n) && (min == 0 ? n > 0 : n >= min) && n <= max) {
        return n;
      }
      problem(
          name
              + "="
              + v
              + " must be "
              + range
              + " (default "
              + plain(def)
              + "): "
              + description
              + ".");
    } catch (NumberFormatException e) {
      problem(
          name
              + "='"
              + v
              + "' is not a number; set it "
              + range
              + " (default "
              + plain(def)
              + "): "
              + description
              + ".");
    }
    return def;
  }

  /**
   * {@code true}/{@code yes}/{@code on}/{@code 1} or {@code false}/{@code no}/{@code off}/{@code
   * 0}.
   */
  public boolean bool(String name, boolean def, String description) {
    declare(name, "boolean", Boolean.toString(def), "true, false", description, null);
    String v = raw(name);
    if (v == null) {
      return def;
    }
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> {
        return true;
      }
      case "false", "no", "off", "0" -> {
        return false;
      }
      default -> {
        problem(
            name
                + "='"
                + v
                + "' must be true or false (default "
                + def
                + "): "
                + description
                + ".");
        return def;
      }
    }
  }

  /** One of the constants of {@code def}'s enum, written in lower case with '-' for '_'. */
  public <E extends Enum<E>> E choice(String name, E def, String description) {
    E[] all = def.getDeclaringClass().getEnumConstants();
    String names = Arrays.stream(all).map(Env::spell).collect(Collectors.joining(", "));
    declare(name, "one of", spell(def), names, description, null);
    String v = raw(name);
    if (v == null) {
      return def;
    }
    for (E e : all) {
      if (spell(e).equalsIgnoreCase(v) || e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    problem(
        name
            + "='"
            + v
            + "' must be one of "
            + names
            + " (default "
            + spell(def)
            + "): "
            + description
            + ".");
    return def;
  }

  /** A duration ({@value #DURATION_FORMS}) from {@code min} to {@code max}. */
  public Duration duration(
      String name, Duration def, Duration min, Duration max, String description) {
    return duration(name, null, null, def, min, max, description);
  }

  /**
   * A duration that may still come from {@code legacyName}, a whole number of {@code legacyUnit}s
   * (the old {@code *_MS} / {@code *_SECONDS} variables), with a deprecation warning naming the new
   * variable.
   */
  public Duration duration(
      String name,
      String legacyName,
      ChronoUnit legacyUnit,
      Duration def,
      Duration min,
      Duration max,
      String description) {
    String range = human(min) + ".." + human(max);
    declare(name, "duration", human(def), range, description, legacyName);
    String used = name;
    String v = raw(name);
    if (legacyName != null && raw(legacyName) != null) {
      if (v == null) {
        used = legacyName;
        v = raw(legacyName);
        if (v.matches("-?\\d{1,15}")) {
          v =
              v
                  + (legacyUnit == ChronoUnit.MILLIS
                      ? "ms"
                      : legacyUnit == ChronoUnit.SECONDS ? "s" : "m");
        }
        warn(
            legacyName
                + " is deprecated; set "
                + name
                + "="
                + v
                + " instead ("
                + DURATION_FORMS
                + ").");
      } else {
        warn(legacyName + " is deprecated and ignored because " + name + " is set; remove it.");
      }
    }
    if (v == null) {
      return def;
    }
    Duration d = parseDuration(v);
    if (d == null) {
      problem(
          used
              + "='"
              + v
              + "' is not a duration; use e.g. "
              + DURATION_FORMS
              + " (default "
              + human(def)
              + "): "
              + description
              + ".");
      return def;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problem(
          used
              + "="
              + human(d)
              + " must be from "
              + human(min)
              + " to "
              + human(max)
              + " (default "
              + human(def)
              + "): "
              + description
              + ".");
      return def;
    }
    return d;
  }

  /** A comma-separated list; blank entries are dropped. */
  public List<String> list(String name, List<String> def, String description) {
    declare(name, "list", String.join(",", def), "comma-separated", description, null);
    String v = raw(name);
    if (v == null) {
      return def;
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * An http(s) URL with a host and no query, trailing slashes removed; {@code def} null means
   * optional.
   */
  public String url(String name, String def, String description) {
    declare(name, "URL", def, "http(s)://host[/path]", description, null);
    String v = raw(name);
    if (v == null) {
      return def;
    }
    String why = null;
    try {
      URI uri = new URI(v);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        why = "must start with http:// or https://";
      } else if (uri.getHost() == null) {
        why = "has no host";
      } else if (uri.getQuery() != null || uri.getFragment() != null) {
        why = "must not have a query or fragment";
      }
    } catch (URISyntaxException e) {
      why = "is not a URL (" + e.getReason() + ")";
    }
    if (why != null) {
      problem(
          name
              + "='"
              + v
              + "' "
              + why
              + "; use a URL such as "
              + (def == null ? "https://example.com" : def)
              + ": "
              + description
              + ".");
      return def;
    }
    return v.replaceAll("/+$", "");
  }

  /** Records a problem found by a check across settings. */
  public void problem(String message) {
    problems.add(message);
  }

  /** Records (and logs) a warning, such as a deprecated variable. */
  public void warn(String message) {
    if (!warnings.contains(message)) {
      warnings.add(message);
      // Looked up here, not in a static field: LogSettings reads its Env before logback may be
      // initialised.
      LoggerFactory.getLogger(Env.class).warn(message);
    }
  }

  /** Whether no problem was found so far. */
  public boolean valid() {
    return problems.isEmpty();
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Every variable the getters declared so far, in order. */
  public Collection<Setting> declared() {
    return List.copyOf(declared.values());
  }

  /** Fails with every problem found so far. */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /** Parses {@value #DURATION_FORMS} (also {@code 1d}); null when the text is none of these. */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * A duration in the shortest exact unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h},
   * {@code 7d}.
   */
  public static String human(Duration d) {
    if (d == null) {
      return "unset";
    }
    long ms = d.toMillis();
    if (ms != 0 && ms % 86_400_000 == 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms != 0 && ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  private String raw(String name) {
    String v = vars.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private void declare(
      String name, String type, String def, String range, String description, String replaces) {
    declared.putIfAbsent(
        name,
        new Setting(
            name,
            type,
            def == null ? "" : def,
            range,
            description,
            replaces == null ? "" : replaces));
  }

  private static String spell(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String plain(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d)
        ? Long.toString((long) d)
        : Double.toString(d);
  }
}
