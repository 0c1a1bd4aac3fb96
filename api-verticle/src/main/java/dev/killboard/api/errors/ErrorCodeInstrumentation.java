package dev.killboard.api.errors;

import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives every error of a result an {@code extensions.code}, whatever part of graphql-java produced
 * it.
 */
public final class ErrorCodeInstrumentation extends SimplePerformantInstrumentation {

  @Override
  public CompletableFuture<ExecutionResult> instrumentExecutionResult(
      ExecutionResult result,
      InstrumentationExecutionParameters parameters,
      InstrumentationState state) {
    if (result.getErrors().isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    return CompletableFuture.completedFuture(
        result.transform(b -> b.errors(withCodes(result.getErrors()))));
  }

  /**
   * graphql-java's AST printout of a value in a message ({@code StringValue{value='x'}}, {@code
   * IntValue{value=5}}).
   */
  private static final Pattern AST_VALUE =
      Pattern.compile("(?:String|Int|Float|Boolean|Enum)Value\\{value='?(.*?)'?\\}");

  /**
   * The message as the client may read it. graphql-java (and vertx-web-graphql over WebSocket) run
   * an operation that has no query but a persistedQuery extension as the text
   * "PersistedQueryMarker"; this API keeps no persisted queries, so the parse error that follows is
   * said plainly.
   */
  static String clientMessage(String message) {
    if (message.contains("PersistedQueryMarker")) {
      return "The request has no query (persisted queries are not offered)";
    }
    return readableValues(message);
  }

  /**
   * {@code message} with the values graphql-java prints as AST nodes written as the client wrote
   * them.
   */
  static String readableValues(String message) {
    if (message.indexOf("Value{value=") < 0) {
      return message;
    }
    return AST_VALUE.matcher(message).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
  }

  /** The errors, each with a code; errors that already have one are kept as they are. */
  public static List<GraphQLError> withCodes(List<GraphQLError> errors) {
    List<GraphQLError> out = new ArrayList<>(errors.size());
    for (GraphQLError e : errors) {
      Map<String, Object> ext = e.getExtensions();
      if (ext != null && ext.get("code") != null) {
        out.add(e);
        continue;
      }
      Map<String, Object> extensions =
          ext == null ? new LinkedHashMap<>() : new LinkedHashMap<>(ext);
      extensions.put("code", ErrorClassifier.codeOf(e).name());
      GraphqlErrorBuilder<?> b =
          GraphqlErrorBuilder.newError()
              .message(e.getMessage() == null ? "Error" : clientMessage(e.getMessage()))
              .locations(e.getLocations())
              .errorType(e.getErrorType())
              .extensions(extensions);
      if (e.getPath() != null) {
        b.path(e.getPath());
      }
      out.add(b.build());
    }
    return out;
  }
}
