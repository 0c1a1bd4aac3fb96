package dev.killboard.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
  private static final Map<String, Long> UNITS =
      Map.of("d", 86_400_000L, "h", 3_600_000L, "m", 60_000L, "s", 1000L, "ms", 1L);
  // The old integer forms every duration variable still accepts, with their unit.
  private static final Map<String, String> LEGACY_SUFFIXES =
      new TreeMap<>(Map.of("_MS", "ms", "_SECONDS", "s"));

  private final Map<String, String> vars;
  private final Map<String, Setting> declared = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** A value refused by a parser: the rest of the message after the variable's name. */
  private static final class Refused extends RuntimeException {
    Refused(String format, Object... args) {
      super(String.format(Locale.ROOT, format, args), null, false, false);
    }
  }

  /** Reads a variable's text; {@code about} is its description, which a refusal repeats. */
  private interface Parser<T> {
    T parse(String text, String about);
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

  /** The process environment with {@code overrides} on top (a deployment config's "env"). */
  public static Map<String, String> environment(Map<String, ?> overrides) {
    Map<String, String> env = new HashMap<>(System.getenv());
    if (overrides != null) {
      overrides.forEach((k, v) -> env.compute(k, (key, old) -> v == null ? null : "" + v));
    }
    return env;
  }

  /** The variables as given, for handing on to child processes. */
  public Map<String, String> vars() {
    return vars;
  }

  /** Text, or {@code def} (may be null) when unset. */
  public Var<String> string(String name, String def) {
    return var(name, "string", def, "", def, (v, d) -> v);
  }

  /** Text matching {@code allowed}, or {@code def}; {@code rule} says what is allowed. */
  public Var<String> string(String name, String def, Pattern allowed, String rule) {
    return var(
        name,
        "string",
        def,
        rule,
        def,
        (v, d) -> {
          if (!allowed.matcher(v).matches()) {
            throw new Refused("='%s' is invalid: use %s (default %s). %s.", v, rule, def, d);
          }
          return v;
        });
  }

  /** A secret, or null when unset; never echoed in a message. */
  public Var<Secret> secret(String name) {
    return var(name, "secret", null, "", null, (v, d) -> new Secret(v));
  }

  /** A whole number from {@code min} to {@code max}. */
  public Var<Integer> integer(String name, int def, int min, int max) {
    return var(
        name,
        "integer",
        "" + def,
        min + ".." + max,
        def,
        (v, d) -> (int) whole(v, d, def, min, max));
  }

  /** A whole number from {@code min} to {@code max}. */
  public Var<Long> longValue(String name, long def, long min, long max) {
    return var(
        name, "integer", "" + def, min + ".." + max, def, (v, d) -> whole(v, d, def, min, max));
  }

  /** A number from {@code min} to {@code max}, exclusive of {@code min} when {@code min} is 0. */
  public Var<Double> decimal(String name, double def, double min, double max) {
    String range = (min == 0 ? "above 0" : "from " + plain(min)) + " and at most " + plain(max);
    String tail = range + " (default " + plain(def) + "): %s.";
    return var(
        name,
        "number",
        plain(def),
        range,
        def,
        (v, d) -> {
          double n;
          try {
            n = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new Refused("='%s' is not a number; set it " + tail, v, d);
          }
          boolean low = min == 0 ? n <= 0 : n < min;
          return refuseUnless(!Double.isNaN(n) && !low && n <= max, n, "=%s must be " + tail, v, d);
        });
  }

  /** A yes or no: {@code true}/{@code yes}/{@code on}/{@code 1} or the opposites. */
  public Var<Boolean> bool(String name, boolean def) {
    return var(
        name,
        "boolean",
        "" + def,
        "true, false",
        def,
        (v, d) ->
            switch (v.toLowerCase(Locale.ROOT)) {
              case "true", "yes", "on", "1" -> true;
              case "false", "no", "off", "0" -> false;
              default ->
                  throw new Refused("='%s' must be true or false (default %s): %s.", v, def, d);
            });
  }

  /** One of the constants of {@code def}'s enum, written in lower case with '-' for '_'. */
  public <E extends Enum<E>> Var<E> choice(String name, E def) {
    E[] all = def.getDeclaringClass().getEnumConstants();
    String names = Arrays.stream(all).map(Env::spell).collect(Collectors.joining(", "));
    return var(
        name,
        "one of",
        spell(def),
        names,
        def,
        (v, d) ->
            Arrays.stream(all)
                .filter(e -> spell(e).equalsIgnoreCase(v) || e.name().equalsIgnoreCase(v))
                .findFirst()
                .orElseThrow(
                    () ->
                        new Refused(
                            "='%s' must be one of %s (default %s): %s.", v, names, spell(def), d)));
  }

  /** A duration, e.g. {@code duration(n, "5s", "1s", "2m")}; see the other form. */
  public Var<Duration> duration(String name, String def, String min, String max) {
    return duration(name, constant(def), constant(min), constant(max));
  }

  /**
   * A duration ({@value #DURATION_FORMS}) from {@code min} to {@code max}. The older integer
   * variables {@code <name>_MS} and {@code <name>_SECONDS} are still read, with a deprecation
   * warning naming the new variable.
   */
  public Var<Duration> duration(String name, Duration def, Duration min, Duration max) {
    String range = human(min) + ".." + human(max);
    return d -> {
      declare(name, "duration", human(def), range, d);
      String used = raw(name) == null ? null : name;
      String text = raw(name);
      for (Map.Entry<String, String> legacy : LEGACY_SUFFIXES.entrySet()) {
        String old = name + legacy.getKey();
        String v = raw(old);
        if (v != null && used != null) {
          warn(old + " is deprecated and ignored because " + used + " is set; remove it.");
        } else if (v != null) {
          used = old;
          text = v.matches("-?\\d{1,15}") ? v + legacy.getValue() : v;
          warn(
              old
                  + " is deprecated; set "
                  + name
                  + "="
                  + text
                  + " instead ("
                  + DURATION_FORMS
                  + ").");
        }
      }
      String tail = "(default " + human(def) + "): " + d + ".";
      return value(
          used,
          text,
          def,
          v -> {
            Duration t = parseDuration(v);
            if (t == null) {
              throw new Refused("='%s' is not a duration; use e.g. %s %s", v, DURATION_FORMS, tail);
            }
            boolean in = t.compareTo(min) >= 0 && t.compareTo(max) <= 0;
            return refuseUnless(
                in, t, "=%s must be from %s to %s %s", human(t), human(min), human(max), tail);
          });
    };
  }

  /** A comma-separated list; blank entries are dropped. */
  public Var<List<String>> list(String name, List<String> def) {
    return var(
        name,
        "list",
        String.join(",", def),
        "comma-separated",
        def,
        (v, d) -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
  }

  /**
   * An http(s) URL with a host and no query, trailing slashes removed; {@code def} null: optional.
   */
  public Var<String> url(String name, String def) {
    String example = def == null ? "https://example.com" : def;
    return var(
        name,
        "URL",
        def,
        "http(s)://host[/path]",
        def,
        (v, d) -> {
          String why = null;
          try {
            URI uri = new URI(v);
            String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
            why =
                !scheme.equals("http") && !scheme.equals("https")
                    ? "must start with http:// or https://"
                    : uri.getHost() == null
                        ? "has no host"
                        : uri.getQuery() != null || uri.getFragment() != null
                            ? "must not have a query or fragment"
                            : null;
          } catch (URISyntaxException e) {
            why = "is not a URL (" + e.getReason() + ")";
          }
          String url = v.replaceAll("/+$", "");
          return refuseUnless(
              why == null, url, "='%s' %s; use a URL such as %s: %s.", v, why, example, d);
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
    try {
      return m.matches()
          ? Duration.ofMillis(Math.multiplyExact(Long.parseLong(m.group(1)), UNITS.get(m.group(2))))
          : Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  /** A duration in its largest exact unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
  public static String human(Duration d) {
    if (d == null) {
      return "unset";
    }
    long ms = d.toMillis();
    for (String unit : List.of("d", "h", "m", "s")) {
      if (ms != 0 && ms % UNITS.get(unit) == 0) {
        return ms / UNITS.get(unit) + unit;
      }
    }
    return ms + "ms";
  }

  /** Declares {@code name} and parses its text, or answers {@code def} when it is unset. */
  private <T> Var<T> var(String name, String type, String shown, String range, T def, Parser<T> p) {
    return d -> {
      declare(name, type, shown, range, d);
      return value(name, raw(name), def, v -> p.parse(v, d));
    };
  }

  /** {@code text} through {@code parser}, or {@code def}: when unset, or refused (a problem). */
  private <T> T value(String name, String text, T def, Function<String, T> parser) {
    try {
      return text == null ? def : parser.apply(text);
    } catch (Refused r) {
      problem(name + r.getMessage());
      return def;
    }
  }

  /** {@code value}, unless not {@code ok}: then a refusal with the formatted rest of a message. */
  private static <T> T refuseUnless(boolean ok, T value, String format, Object... args) {
    if (!ok) {
      throw new Refused(format, args);
    }
    return value;
  }

  private static long whole(String v, String d, long def, long min, long max) {
    String tail = "from " + min + " to " + max + " (default " + def + "): " + d + ".";
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new Refused("='%s' is not a whole number; set a number %s", v, tail);
    }
    return refuseUnless(n >= min && n <= max, n, "=%d must be %s", n, tail);
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
    return d == Math.rint(d) && !Double.isInfinite(d) ? "" + (long) d : "" + d;
  }
}
