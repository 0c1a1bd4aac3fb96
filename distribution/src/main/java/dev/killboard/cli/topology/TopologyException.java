package dev.killboard.cli.topology;

import java.util.List;

/**
 * A topology file that cannot be read or does not describe a topology; names the file and every
 * problem found.
 */
public final class TopologyException extends RuntimeException {
  private final List<String> problems;

  public TopologyException(String file, List<String> problems) {
    super(file + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem, one sentence each. */
  public List<String> problems() {
    return problems;
  }
}
