package dev.killboard.bench.dataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --name value} and {@code --flag} command-line options, validated against the names a
 * command accepts.
 */
public final class Options {
  private Options() {}

  /**
   * Parses {@code args}; an unknown option or a missing value is an IllegalArgumentException naming
   * it.
   */
  public static Map<String, String> parse(String[] args, List<String> valued, List<String> flags) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (flags.contains(a)) {
        out.put(a, "true");
      } else if (valued.contains(a)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        out.put(a, args[++i]);
      } else {
        throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    return out;
  }

  public static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  /** A positive-or-zero int option. */
  public static int integer(Map<String, String> opts, String name) {
    String v = opts.get(name);
    try {
      int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number ≥ 0, was '" + v + "'");
    }
  }
}
