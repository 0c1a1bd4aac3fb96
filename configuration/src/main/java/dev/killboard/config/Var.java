package dev.killboard.config;

import java.util.function.Function;

/**
 * An environment variable being read: {@code env.integer("N", 5, 1, 10).about("what it is")}
 * declares it with its description (a row of docs/configuration.md) and answers its value, so each
 * variable reads as one line of a table.
 */
public final class Var<T> {
  private final Function<String, T> read;

  Var(Function<String, T> read) {
    this.read = read;
  }

  /**
   * Declares the variable with {@code description} and answers its value (the default if wrong).
   */
  public T about(String description) {
    return read.apply(description);
  }
}
