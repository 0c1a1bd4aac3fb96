package dev.killboard.budget;

import java.util.Map;

/** Reading typed values from the environment with messages that name the variable. */
final class EnvValues {
  private EnvValues() {
  }

  static int intValue(Map<String, String> env, String name, int fallback) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new BudgetConfigException(name + "='" + raw + "' is not a whole number (default " + fallback + ").");
    }
  }

  static boolean booleanValue(Map<String, String> env, String name, boolean fallback) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new BudgetConfigException(name + "='" + raw + "' must be true or false (default " + fallback + ").");
    };
  }
}
