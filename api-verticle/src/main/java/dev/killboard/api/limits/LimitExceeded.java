package dev.killboard.api.limits;

import dev.killboard.api.errors.ErrorCode;
import graphql.execution.AbortExecutionException;
import java.util.Map;

/**
 * A query refused before execution because it is too deep or too complex; carries the error code.
 */
final class LimitExceeded extends AbortExecutionException {
  private final ErrorCode code;

  LimitExceeded(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  @Override
  public Map<String, Object> getExtensions() {
    return Map.of("code", code.name());
  }
}
