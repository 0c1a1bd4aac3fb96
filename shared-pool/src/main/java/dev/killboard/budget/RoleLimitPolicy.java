package dev.killboard.budget;

/** What to do when the application role's CONNECTION LIMIT does not back the budget up. */
public enum RoleLimitPolicy {
  /** Log a warning that says how to set the limit. */
  WARN,
  /** Refuse to start. */
  FAIL,
  /** Do not check. */
  OFF
}
