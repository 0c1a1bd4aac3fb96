package dev.killboard.config;

/**
 * An environment variable being read: {@code env.integer("N", 5, 1, 10).about("what it is")}
 * declares it with its description (a row of docs/configuration.md) and answers its value (the
 * default when it is wrong), so each variable reads as one line of a table.
 */
@FunctionalInterface
public interface Var<T> {
  T about(String description);
}
