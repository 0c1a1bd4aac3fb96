package dev.killboard.api.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Typed reads of environment variables that fail with a message naming the variable. */
final class EnvReader {
  private final Map<String, String> env;

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  String string(String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  String optional(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  int integer(String name, int fallback, int min, int max) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ApiConfigException(name + "='" + v + "' is not a whole number; use a value in " + min + ".." + max
          + " (default " + fallback + ").");
    }
    if (parsed < min || parsed > max) {
      throw new ApiConfigException(name + "=" + parsed + " is out of range; use a value in " + min + ".." + max
          + " (default " + fallback + ").");
    }
    return parsed;
  }

  boolean bool(String name, boolean fallback) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "on": case "1":
        return true;
      case "false": case "no": case "off": case "0":
        return false;
      default:
        throw new ApiConfigException(name + "='" + v + "' is not a switch; use true or false (default " + fallback + ").");
    }
  }

  List<String> list(String name, List<String> fallback) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    return out;
  }
}
