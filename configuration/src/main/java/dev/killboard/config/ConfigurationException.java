package dev.killboard.config;

import java.util.List;

/** Every problem of a configuration at once, each naming the variable and what to change. */
public final class ConfigurationException extends IllegalArgumentException {
  private final List<String> problems;

  public ConfigurationException(List<String> problems) {
    super(
        problems.size() == 1
            ? problems.get(0)
            : "Configuration is wrong ("
                + problems.size()
                + " problems):\n  - "
                + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigurationException(String problem) {
    this(List.of(problem));
  }

  /**
   * A configuration error is the operator's to fix: its stack trace would only bury the message.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** The problems, one sentence each. */
  public List<String> problems() {
    return problems;
  }
}
