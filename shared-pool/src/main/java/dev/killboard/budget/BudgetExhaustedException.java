package dev.killboard.budget;

/**
 * No permit of a budget class came free within the pool's connection timeout. Retryable: the work
 * was not started.
 */
public final class BudgetExhaustedException extends RuntimeException {
  private final String budgetClass;

  public BudgetExhaustedException(String budgetClass, String message) {
    super(message, null, false, false);
    this.budgetClass = budgetClass;
  }

  public String budgetClass() {
    return budgetClass;
  }
}
