package dev.killboard.api.errors;

import dev.killboard.budget.BudgetExhaustedException;
import dev.killboard.queue.QueueUnavailableException;
import graphql.ErrorType;
import graphql.GraphQLError;
import graphql.execution.NonNullableValueCoercedAsNullException;
import graphql.introspection.GoodFaithIntrospection;
import graphql.introspection.IntrospectionDisabledError;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import io.netty.handler.timeout.TimeoutException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Decides which {@link ErrorCode} an exception or a graphql-java error gets, and whether its
 * message may be shown.
 */
public final class ErrorClassifier {
  private ErrorClassifier() {}

  /** The code for a graphql-java error that carries none of its own. */
  public static ErrorCode codeOf(GraphQLError error) {
    if (error instanceof ApiException api) {
      return api.code();
    }
    if (error instanceof CoercingParseValueException
        || error instanceof NonNullableValueCoercedAsNullException
        || error instanceof CoercingParseLiteralException) {
      return ErrorCode.BAD_USER_INPUT;
    }
    if (error instanceof IntrospectionDisabledError) {
      return ErrorCode.INTROSPECTION_DISABLED;
    }
    if (error instanceof GoodFaithIntrospection.BadFaithIntrospectionError) {
      // graphql-java's limits on introspection (repeated __Type.fields and the like): the client's
      // query is too big.
      return ErrorCode.QUERY_TOO_COMPLEX;
    }
    if (error.getErrorType() instanceof ErrorType type) {
      switch (type) {
        case InvalidSyntax:
          return ErrorCode.GRAPHQL_PARSE_FAILED;
        case ValidationError:
          return error.getMessage() != null && error.getMessage().startsWith("Variable")
              ? ErrorCode.BAD_USER_INPUT
              : ErrorCode.GRAPHQL_VALIDATION_FAILED;
        case OperationNotSupported:
          return ErrorCode.BAD_REQUEST;
        case ExecutionAborted:
          return ErrorCode.BAD_REQUEST;
        default:
          return ErrorCode.INTERNAL_SERVER_ERROR;
      }
    }
    return ErrorCode.INTERNAL_SERVER_ERROR;
  }

  /**
   * The client-facing error for an exception thrown by a resolver; null means "unexpected, log it".
   */
  public static ApiException toClientError(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof ApiException api) {
      return api;
    }
    if (e instanceof PgException pg) {
      if ("57014".equals(pg.getSqlState())) {
        return new ApiException(
            ErrorCode.TIMEOUT, "The query took longer than the statement timeout");
      }
      if ("53300".equals(pg.getSqlState())
          || "57P01".equals(pg.getSqlState())
          || "57P03".equals(pg.getSqlState())) {
        return new ApiException(
            ErrorCode.SERVICE_UNAVAILABLE, "The database is not available; try again shortly");
      }
      return null;
    }
    if (e instanceof QueueUnavailableException) {
      // Redis is down (workerStatus, the sync mutations): a dependency failure, not a bug; no stack
      // trace.
      return new ApiException(
          ErrorCode.SERVICE_UNAVAILABLE, "The job queues are not available; try again shortly");
    }
    if (e instanceof BudgetExhaustedException) {
      return new ApiException(
          ErrorCode.SERVICE_UNAVAILABLE,
          "No database connection became free in time; try again shortly");
    }
    if (e instanceof ConnectException
        || e instanceof HttpClosedException
        || e instanceof TimeoutException
        || e instanceof java.util.concurrent.TimeoutException
        || isPoolTimeout(e)) {
      return new ApiException(
          ErrorCode.SERVICE_UNAVAILABLE, "A backing service is not available; try again shortly");
    }
    return null;
  }

  private static boolean isPoolTimeout(Throwable e) {
    // vertx-sql-client reports a connection wait that ran out as a plain
    // NoStackTraceTimeoutException.
    return e.getClass().getSimpleName().contains("Timeout");
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
