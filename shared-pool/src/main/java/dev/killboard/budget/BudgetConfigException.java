package dev.killboard.budget;

/** A budget or pool setting is wrong; the message names the setting and what to change. */
public final class BudgetConfigException extends RuntimeException {
  public BudgetConfigException(String message) {
    super(message);
  }
}
