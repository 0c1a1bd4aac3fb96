package dev.killboard.bench.dataset;

import java.util.SplittableRandom;

/**
 * EVE-flavoured pronounceable names from syllables: searchable with trigrams, deterministic for a
 * given random.
 */
final class Names {
  private static final String[] SYLLABLES = {
    "ka", "ri", "vo", "tan", "el", "mar", "sol", "dra", "quin", "zet", "or", "bel", "ith", "nox",
    "ar", "ves", "ul", "cor", "the", "lan", "mir", "go", "sha", "rek", "tor", "ae", "syn", "pra",
    "dun", "hel"
  };
  private static final char[] LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private Names() {}

  /** A capitalised word of 2–3 syllables. */
  static String word(SplittableRandom r) {
    int n = 2 + r.nextInt(2);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
    }
    sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
    return sb.toString();
  }

  /** {@code words} capitalised words separated by spaces. */
  static String words(SplittableRandom r, int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(word(r));
    }
    return sb.toString();
  }

  /** An upper-case ticker of 3–5 letters. */
  static String ticker(SplittableRandom r) {
    int n = 3 + r.nextInt(3);
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = LETTERS[r.nextInt(LETTERS.length)];
    }
    return new String(c);
  }
}
