package dev.killboard.bench.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The main SQL behind one API request, as a pgbench custom script: uniformly random integer
 * variables ({@code \set name random(lo, hi)}) and statements that use them as {@code :name}. The
 * JDBC fallback binds the same variables as parameters.
 *
 * @param variables name → inclusive [lo, hi] of a uniformly random integer
 * @param derived name → (source variable, multiplier, offset): {@code name = (source + offset) *
 *     multiplier}
 */
record CeilingScript(
    Map<String, long[]> variables,
    Map<String, long[]> derivedFrom,
    Map<String, String> derivedSource,
    List<String> statements) {
  private static final Pattern VARIABLE = Pattern.compile(":([a-z_]+)");

  /** A script builder. */
  static Builder builder() {
    return new Builder();
  }

  /** The pgbench script text. */
  String pgbenchScript() {
    StringBuilder sb = new StringBuilder();
    variables.forEach(
        (name, range) ->
            sb.append("\\set ")
                .append(name)
                .append(" random(")
                .append(range[0])
                .append(", ")
                .append(range[1])
                .append(")\n"));
    derivedFrom.forEach(
        (name, f) ->
            sb.append("\\set ")
                .append(name)
                .append(" (:")
                .append(derivedSource.get(name))
                .append(" + ")
                .append(f[1])
                .append(") * ")
                .append(f[0])
                .append("\n"));
    for (String s : statements) {
      sb.append(s).append(";\n");
    }
    return sb.toString();
  }

  /** Draws one set of variable values, as pgbench would. */
  Map<String, Long> draw(SplittableRandom random) {
    Map<String, Long> values = new LinkedHashMap<>();
    variables.forEach(
        (name, range) -> values.put(name, range[0] + random.nextLong(range[1] - range[0] + 1)));
    derivedFrom.forEach(
        (name, f) -> values.put(name, (values.get(derivedSource.get(name)) + f[1]) * f[0]));
    return values;
  }

  /** A statement with {@code :name} replaced by {@code ?}, and the names in parameter order. */
  static Map.Entry<String, List<String>> jdbc(String statement) {
    List<String> names = new ArrayList<>();
    Matcher m = VARIABLE.matcher(statement);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      names.add(m.group(1));
      m.appendReplacement(sb, "?");
    }
    m.appendTail(sb);
    return Map.entry(sb.toString(), names);
  }

  /** Collects variables and statements. */
  static final class Builder {
    private final Map<String, long[]> variables = new LinkedHashMap<>();
    private final Map<String, long[]> derived = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> statements = new ArrayList<>();

    Builder random(String name, long lo, long hi) {
      variables.put(name, new long[] {lo, hi});
      return this;
    }

    /** {@code name = (source + offset) * multiplier}. */
    Builder derived(String name, String source, long offset, long multiplier) {
      derived.put(name, new long[] {multiplier, offset});
      sources.put(name, source);
      return this;
    }

    Builder statement(String sql) {
      statements.add(sql);
      return this;
    }

    CeilingScript build() {
      return new CeilingScript(Map.copyOf(variables), derived, sources, List.copyOf(statements));
    }
  }
}
