package dev.killboard.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
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
  private static final long[] UNIT_MILLIS = {86_400_000, 3_600_000, 60_000, 1000};
  private static final String[] UNIT_NAMES = {"d", "h", "m", "s"};

  /** The old integer forms every duration variable still accepts, with their unit. */
  private static final Map<String, String> LEGACY_SUFFIXES =
      new java.util.TreeMap<>(Map.of("_MS", "ms", "_SECONDS", "s"));

  private final Map<String, String> vars;
  private final Map<String, Setting> declared = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** A value refused by a getter's parser: the rest of the message after the variable's name. */
  private static final class Refused extends RuntimeException {
    Refused(String format, Object... args) {
      super(String.format(Locale.ROOT, format, args), null, false, false);
    }
  }

  private Env(Map<String, String> vars) {
    this.vars =
        vars.entrySet().stream()
            .filter(e -> e.getKey() != null && e.getValue() != null)
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
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

  /** Whether {@code name} holds a non-blank value (orchestrators export empty variables). */
  public boolean isSet(String name) {
    return raw(name) != null;
  }

  /** Text, or {@code def} (may be null) when unset. */
  public Var<String> string(String name, String def) {
    return new Var<>(d -> string(name, def, d));
  }

  /** Text matching {@code allowed}, or {@code def}; {@code rule} says what is allowed. */
  public Var<String> string(String name, String def, Pattern allowed, String rule) {
    return new Var<>(d -> string(name, def, allowed, rule, d));
  }

  /** A secret, or null when unset; never echoed in a message. */
  public Var<Secret> secret(String name) {
    return new Var<>(d -> secret(name, d));
  }

  /** A whole number from {@code min} to {@code max}. */
  public Var<Integer> integer(String name, int def, int min, int max) {
    return new Var<>(d -> integer(name, def, min, max, d));
  }

  /** A whole number from {@code min} to {@code max}. */
  public Var<Long> longValue(String name, long def, long min, long max) {
    return new Var<>(d -> longValue(name, def, min, max, d));
  }

  /** A number from {@code min} to {@code max}, exclusive of {@code min} when {@code min} is 0. */
  public Var<Double> decimal(String name, double def, double min, double max) {
    return new Var<>(d -> decimal(name, def, min, max, d));
  }

  /** A yes or no (true/yes/on/1, false/no/off/0). */
  public Var<Boolean> bool(String name, boolean def) {
    return new Var<>(d -> bool(name, def, d));
  }

  /** One of the constants of {@code def}'s enum, written in lower case with '-' for '_'. */
  public <E extends Enum<E>> Var<E> choice(String name, E def) {
    return new Var<>(d -> choice(name, def, d));
  }

  /**
   * A duration written as 500ms, 30s, 5m, 2h or PT30S; old {@code _MS}/{@code _SECONDS} forms too.
   */
  public Var<Duration> duration(String name, String def, String min, String max) {
    return new Var<>(d -> duration(name, def, min, max, d));
  }

  /** A duration from {@code min} to {@code max}; old {@code _MS}/{@code _SECONDS} forms too. */
  public Var<Duration> duration(String name, Duration def, Duration min, Duration max) {
    return new Var<>(d -> duration(name, def, min, max, d));
  }

  /** A comma-separated list; blank entries are dropped. */
  public Var<List<String>> list(String name, List<String> def) {
    return new Var<>(d -> list(name, def, d));
  }

  /**
   * An http(s) URL with a host and no query, trailing slashes removed; {@code def} null: optional.
   */
  public Var<String> url(String name, String def) {
    return new Var<>(d -> url(name, def, d));
  }

  /** Text, or {@code def} (may be null) when unset. */
  private String string(String name, String def, String description) {
    declare(name, "string", def, "", description);
    String v = raw(name);
    return v == null ? def : v;
  }

  /** Text matching {@code allowed}, or {@code def}; {@code rule} says what is allowed. */
  private String string(String name, String def, Pattern allowed, String rule, String description) {
    declare(name, "string", def, rule, description);
    return value(
        name,
        def,
        v -> {
          if (!allowed.matcher(v).matches()) {
            throw new Refused(
                "='%s' is invalid: use %s (default %s). %s.", v, rule, def, description);
          }
          return v;
        });
  }

  /** A secret, or null when unset; never echoed in a message. */
  private Secret secret(String name, String description) {
    declare(name, "secret", null, "", description);
    String v = raw(name);
    return v == null ? null : new Secret(v);
  }

  /** A whole number from {@code min} to {@code max}. */
  private int integer(String name, int def, int min, int max, String description) {
    return (int) longValue(name, def, min, max, description);
  }

  /** A whole number from {@code min} to {@code max}. */
  private long longValue(String name, long def, long min, long max, String description) {
    declare(name, "integer", Long.toString(def), min + ".." + max, description);
    String tail = "from " + min + " to " + max + " (default " + def + "): " + description + ".";
    return value(
        name,
        def,
        v -> {
          long n;
          try {
            n = Long.parseLong(v);
          } catch (NumberFormatException e) {
            throw new Refused("='%s' is not a whole number; set a number %s", v, tail);
          }
          if (n < min || n > max) {
            throw new Refused("=%d must be %s", n, tail);
          }
          return n;
        });
  }

  /** A number from {@code min} to {@code max}, exclusive of {@code min} when {@code min} is 0. */
  private double decimal(String name, double def, double min, double max, String description) {
    String range = (min == 0 ? "above 0" : "from " + plain(min)) + " and at most " + plain(max);
    declare(name, "number", plain(def), range, description);
    String tail = range + " (default " + plain(def) + "): " + description + ".";
    return value(
        name,
        def,
        v -> {
          double n;
          try {
            n = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new Refused("='%s' is not a number; set it %s", v, tail);
          }
          if (Double.isNaN(n) || (min == 0 ? n <= 0 : n < min) || n > max) {
            throw new Refused("=%s must be %s", v, tail);
          }
          return n;
        });
  }

  /**
   * {@code true}/{@code yes}/{@code on}/{@code 1} or {@code false}/{@code no}/{@code off}/{@code
   * 0}.
   */
  private boolean bool(String name, boolean def, String description) {
    declare(name, "boolean", Boolean.toString(def), "true, false", description);
    return value(
        name,
        def,
        v ->
            switch (v.toLowerCase(Locale.ROOT)) {
              case "true", "yes", "on", "1" -> true;
              case "false", "no", "off", "0" -> false;
              default ->
                  throw new Refused(
                      "='%s' must be true or false (default %s): %s.", v, def, description);
            });
  }

  /** One of the constants of {@code def}'s enum, written in lower case with '-' for '_'. */
  private <E extends Enum<E>> E choice(String name, E def, String description) {
    E[] all = def.getDeclaringClass().getEnumConstants();
    String names = Arrays.stream(all).map(Env::spell).collect(Collectors.joining(", "));
    declare(name, "one of", spell(def), names, description);
    return value(
        name,
        def,
        v ->
            Arrays.stream(all)
                .filter(e -> spell(e).equalsIgnoreCase(v) || e.name().equalsIgnoreCase(v))
                .findFirst()
                .orElseThrow(
                    () ->
                        new Refused(
                            "='%s' must be one of %s (default %s): %s.",
                            v, names, spell(def), description)));
  }

  /**
   * A duration written as {@value #DURATION_FORMS}, e.g. {@code duration(n, "5s", "1s", "2m", d)}.
   */
  private Duration duration(String name, String def, String min, String max, String description) {
    return duration(name, constant(def), constant(min), constant(max), description);
  }

  /**
   * A duration ({@value #DURATION_FORMS}) from {@code min} to {@code max}. The older integer
   * variables {@code <name>_MS} and {@code <name>_SECONDS} are still read, with a deprecation
   * warning naming the new variable.
   */
  private Duration duration(
      String name, Duration def, Duration min, Duration max, String description) {
    declare(name, "duration", human(def), human(min) + ".." + human(max), description);
    String used = raw(name) == null ? null : name;
    String text = raw(name);
    for (Map.Entry<String, String> legacy : LEGACY_SUFFIXES.entrySet()) {
      String old = name + legacy.getKey();
      String v = raw(old);
      if (v == null) {
        continue;
      }
      if (used != null) {
        warn(old + " is deprecated and ignored because " + used + " is set; remove it.");
        continue;
      }
      used = old;
      text = v.matches("-?\\d{1,15}") ? v + legacy.getValue() : v;
      warn(old + " is deprecated; set " + name + "=" + text + " instead (" + DURATION_FORMS + ").");
    }
    if (text == null) {
      return def;
    }
    Duration d = parseDuration(text);
    String tail = "(default " + human(def) + "): " + description + ".";
    if (d == null) {
      return refuse(
          used, def, "='%s' is not a duration; use e.g. %s %s", text, DURATION_FORMS, tail);
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      return refuse(
          used, def, "=%s must be from %s to %s %s", human(d), human(min), human(max), tail);
    }
    return d;
  }

  /** A comma-separated list; blank entries are dropped. */
  private List<String> list(String name, List<String> def, String description) {
    declare(name, "list", String.join(",", def), "comma-separated", description);
    String v = raw(name);
    return v == null
        ? def
        : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * An http(s) URL with a host and no query, trailing slashes removed; {@code def} null: optional.
   */
  private String url(String name, String def, String description) {
    declare(name, "URL", def, "http(s)://host[/path]", description);
    String example = def == null ? "https://example.com" : def;
    return value(
        name,
        def,
        v -> {
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
            throw new Refused("='%s' %s; use a URL such as %s: %s.", v, why, example, description);
          }
          return v.replaceAll("/+$", "");
        });
  }

  /** Records {@code message} as a problem unless {@code ok}; answers {@code ok}. */
  public boolean require(boolean ok, String message) {
    if (!ok) {
      problem(message);
    }
    return ok;
  }

  /** Records a problem found by a check across settings. */
  public void problem(String message) {
    problems.add(message);
  }

  /** Records (and logs) a warning, such as a deprecated variable. */
  public void warn(String message) {
    if (!warnings.contains(message)) {
      warnings.add(message);
      // Looked up here: LogSettings reads its Env before logback may be initialised.
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
   * A duration in its largest exact unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h},
   * {@code 7d}.
   */
  public static String human(Duration d) {
    if (d == null) {
      return "unset";
    }
    long ms = d.toMillis();
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      if (ms != 0 && ms % UNIT_MILLIS[i] == 0) {
        return ms / UNIT_MILLIS[i] + UNIT_NAMES[i];
      }
    }
    return ms + "ms";
  }

  /**
   * The value of {@code name} through {@code parser}, or {@code def} (and a problem) when refused.
   */
  private <T> T value(String name, T def, Function<String, T> parser) {
    String v = raw(name);
    if (v == null) {
      return def;
    }
    try {
      return parser.apply(v);
    } catch (Refused r) {
      problem(name + r.getMessage());
      return def;
    }
  }

  private <T> T refuse(String name, T def, String format, Object... args) {
    problem(name + new Refused(format, args).getMessage());
    return def;
  }

  private static Duration constant(String text) {
    Duration d = parseDuration(text);
    if (d == null) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    return d;
  }

  private String raw(String name) {
    String v = vars.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private void declare(String name, String type, String def, String range, String description) {
    declared.putIfAbsent(name, new Setting(name, type, def == null ? "" : def, range, description));
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
