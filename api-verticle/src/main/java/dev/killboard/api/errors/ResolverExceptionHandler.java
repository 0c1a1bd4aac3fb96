package dev.killboard.api.errors;

import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an exception thrown by a resolver into a GraphQL error with a code. Unexpected exceptions
 * are logged with an id and answered with that id only: no message text, no stack trace reaches the
 * client.
 */
public final class ResolverExceptionHandler implements DataFetcherExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ResolverExceptionHandler.class);

  @Override
  public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
      DataFetcherExceptionHandlerParameters params) {
    Throwable t = params.getException();
    ApiException client = ErrorClassifier.toClientError(t);
    GraphqlErrorBuilder<?> builder =
        GraphqlErrorBuilder.newError().path(params.getPath()).location(params.getSourceLocation());
    if (client != null) {
      builder
          .message(client.getMessage())
          .errorType(client.getErrorType())
          .extensions(Map.of("code", client.code().name()));
    } else {
      String id = UUID.randomUUID().toString();
      LOG.error(
          "Resolver failed at {} (error id {})", params.getPath(), id, ErrorClassifier.unwrap(t));
      builder
          .message("Internal error (id " + id + ")")
          .errorType(
              graphql.ErrorClassification.errorClassification(
                  ErrorCode.INTERNAL_SERVER_ERROR.name()))
          .extensions(Map.of("code", ErrorCode.INTERNAL_SERVER_ERROR.name(), "errorId", id));
    }
    return CompletableFuture.completedFuture(
        DataFetcherExceptionHandlerResult.newResult(builder.build()).build());
  }
}
