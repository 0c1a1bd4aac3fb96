package dev.killboard.fake;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/** Pronounceable, unique, deterministic names for generated entities. */
final class NameForge {
  private static final String[] SYLLABLES = {
    "ka", "ri", "to", "vex", "mor", "an", "del", "sar", "quo", "lin", "gar", "esh", "tal", "nor",
    "zen", "bri", "cal", "dra", "fel", "hun", "ix", "jor", "kel", "lum", "mir", "nak", "ost", "pra",
    "rul", "sol", "tor", "ul", "vor", "wen", "yr", "zar"
  };

  private final Random random;
  private final Set<String> used = new HashSet<>();

  NameForge(Random random) {
    this.random = random;
  }

  /** A capitalised word of 2–3 syllables. */
  String word() {
    int count = 2 + random.nextInt(2);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
    }
    sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
    return sb.toString();
  }

  /** A name no other call of this forge has returned: a suffix number breaks ties. */
  String unique(String candidate) {
    String name = candidate;
    int n = 2;
    while (!used.add(name)) {
      name = candidate + " " + n++;
    }
    return name;
  }

  /** A 3–5 letter upper-case ticker (not unique, like in EVE). */
  String ticker() {
    int len = 3 + random.nextInt(3);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append((char) ('A' + random.nextInt(26)));
    }
    return sb.toString();
  }
}
