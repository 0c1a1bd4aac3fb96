package dev.killboard.api.errors;

import graphql.ErrorClassification;
import graphql.GraphQLError;
import graphql.language.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * An error meant for the client: its message is safe to show and it carries an {@link ErrorCode}.
 */
public class ApiException extends RuntimeException implements GraphQLError {
  private final ErrorCode code;

  public ApiException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  @Override
  public List<SourceLocation> getLocations() {
    return null;
  }

  @Override
  public ErrorClassification getErrorType() {
    return ErrorClassification.errorClassification(code.name());
  }

  @Override
  public Map<String, Object> getExtensions() {
    return Map.of("code", code.name());
  }

  /** A bad argument value. */
  public static ApiException badInput(String message) {
    return new ApiException(ErrorCode.BAD_USER_INPUT, message);
  }

  /**
   * The operation needs a valid token; {@code reason} says what was wrong with the one given, if
   * any.
   */
  public static ApiException unauthenticated(String reason) {
    return new ApiException(
        ErrorCode.UNAUTHENTICATED,
        reason == null ? "Not authenticated" : "Not authenticated: " + reason);
  }
}
