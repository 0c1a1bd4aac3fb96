package dev.killboard.cli.topology;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a topology file, YAML or JSON ({@code .json}): {@code name} (optional), {@code env} shared
 * by all, and {@code processes: [{name, verticle, instances, env, host}]}. Every structural problem
 * is collected before failing.
 */
public final class TopologyFile {
  // Names become file names in the state directory (pid and log files).
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> TOP_KEYS = Set.of("name", "env", "processes");
  private static final Set<String> PROCESS_KEYS =
      Set.of("name", "verticle", "instances", "env", "host");

  private TopologyFile() {}

  /**
   * Reads and checks the structure of {@code file}; the budget and cluster checks are {@link
   * TopologyCheck}'s.
   */
  public static Topology read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TopologyException(
          file.toString(), List.of("cannot be read (" + e.getMessage() + ")"));
    }
    return parse(file, text);
  }

  /** Parses {@code text} as the contents of {@code file} (its extension picks JSON or YAML). */
  public static Topology parse(Path file, String text) {
    Object document;
    try {
      document =
          file.toString().toLowerCase(Locale.ROOT).endsWith(".json")
              ? new JsonObject(text).getMap()
              : new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (DecodeException | YAMLException e) {
      throw new TopologyException(
          file.toString(), List.of("is not well-formed: " + e.getMessage()));
    }
    List<String> problems = new ArrayList<>();
    if (!(document instanceof Map<?, ?> top)) {
      throw new TopologyException(
          file.toString(),
          List.of("must be a mapping with 'processes' (and optionally 'name', 'env')"));
    }
    unknownKeys(top, TOP_KEYS, "top level", problems);
    String name = defaultName(file);
    Object rawName = top.get("name");
    if (rawName != null) {
      name = rawName.toString();
    }
    if (!NAME.matcher(name).matches()) {
      problems.add(
          "name '"
              + name
              + "' must be letters, digits, '.', '_' or '-' (it names the state directory)");
    }
    Map<String, String> env = env(top.get("env"), "env", problems);
    List<TopologyProcess> processes = new ArrayList<>();
    Object rawProcesses = top.get("processes");
    if (!(rawProcesses instanceof List<?> list) || list.isEmpty()) {
      problems.add(
          "'processes' must be a non-empty list of {name, verticle, instances, env, host}");
    } else {
      for (int i = 0; i < list.size(); i++) {
        TopologyProcess p = process(list.get(i), i + 1, problems);
        if (p != null) {
          processes.add(p);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new TopologyException(file.toString(), problems);
    }
    return new Topology(name, file, env, processes);
  }

  private static TopologyProcess process(Object raw, int position, List<String> problems) {
    if (!(raw instanceof Map<?, ?> map)) {
      problems.add(
          "process #" + position + " must be a mapping {name, verticle, instances, env, host}");
      return null;
    }
    Object rawName = map.get("name");
    String name = rawName == null ? null : rawName.toString();
    String label = name == null ? "process #" + position : "process '" + name + "'";
    unknownKeys(map, PROCESS_KEYS, label, problems);
    int before = problems.size();
    if (name == null || !NAME.matcher(name).matches()) {
      problems.add(
          label
              + ": 'name' is "
              + (name == null ? "missing" : "'" + name + "'")
              + "; use letters, digits, '.', '_' or '-' (it names the pid and log files)");
    }
    Object rawVerticle = map.get("verticle");
    String verticle = rawVerticle == null ? "" : rawVerticle.toString().trim();
    if (verticle.isEmpty()) {
      problems.add(label + ": 'verticle' is missing; use api, worker:<name> or a verticle class");
    }
    int instances = 1;
    Object rawInstances = map.get("instances");
    if (rawInstances != null) {
      if (rawInstances instanceof Integer n && n >= 1) {
        instances = n;
      } else {
        problems.add(
            label
                + ": 'instances' is "
                + rawInstances
                + "; it must be a whole number of at least 1");
      }
    }
    Map<String, String> env = env(map.get("env"), label + " env", problems);
    Object rawHost = map.get("host");
    String host = rawHost == null ? "" : rawHost.toString();
    return problems.size() == before
        ? new TopologyProcess(name, verticle, instances, env, host)
        : null;
  }

  private static Map<String, String> env(Object raw, String where, List<String> problems) {
    Map<String, String> env = new LinkedHashMap<>();
    if (raw == null) {
      return env;
    }
    if (!(raw instanceof Map<?, ?> map)) {
      problems.add(where + " must be a mapping of variable names to values");
      return env;
    }
    map.forEach(
        (key, value) -> {
          String k = String.valueOf(key);
          if (!ENV_NAME.matcher(k).matches()) {
            problems.add(where + ": '" + k + "' is not a variable name");
          } else if (value instanceof Map || value instanceof List) {
            problems.add(where + ": " + k + " must be a single value, not a list or mapping");
          } else {
            // YAML reads 0 and true as numbers and booleans; the process gets their text, as a
            // shell would pass it.
            env.put(k, value == null ? "" : value.toString());
          }
        });
    return env;
  }

  private static void unknownKeys(
      Map<?, ?> map, Set<String> known, String where, List<String> problems) {
    for (Object key : map.keySet()) {
      if (!known.contains(String.valueOf(key))) {
        problems.add(
            where
                + ": unknown key '"
                + key
                + "' (known: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }

  private static String defaultName(Path file) {
    String base = file.getFileName().toString();
    int dot = base.indexOf('.');
    return dot > 0 ? base.substring(0, dot) : base;
  }
}
