package dev.killboard.cli.topology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A topology file read: its name, the environment every process shares and the processes in the
 * order they start (the PM2 ecosystem file of the original, validated before anything starts).
 */
public record Topology(
    String name, Path file, Map<String, String> env, List<TopologyProcess> processes) {

  public Topology {
    // In file order: printed commands list the variables as the file does.
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    processes = List.copyOf(processes);
  }

  /** The named process, if the file has one. */
  public Optional<TopologyProcess> process(String processName) {
    return processes.stream().filter(p -> p.name().equals(processName)).findFirst();
  }

  /**
   * This topology with {@code processName} running {@code instances} verticle instances instead.
   */
  public Topology withInstances(String processName, int instances) {
    List<TopologyProcess> changed = new ArrayList<>();
    for (TopologyProcess p : processes) {
      changed.add(p.name().equals(processName) ? p.withInstances(instances) : p);
    }
    return new Topology(name, file, env, changed);
  }

  /**
   * What {@code process} sees: the caller's environment, then the file's shared env, then the
   * process's own.
   */
  public Map<String, String> environment(TopologyProcess process, Map<String, String> base) {
    Map<String, String> merged = new LinkedHashMap<>(base);
    merged.putAll(env);
    merged.putAll(process.env());
    return merged;
  }

  /** The file name, as messages name it. */
  public String fileName() {
    return file.toString();
  }
}
