package dev.killboard.api.limits;

import dev.killboard.api.errors.ErrorCode;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.AbortExecutionException;

/** graphql-java's depth check, answering with code QUERY_TOO_DEEP. */
public final class DepthLimit extends MaxQueryDepthInstrumentation {
  public DepthLimit(int maxDepth) {
    super(maxDepth);
  }

  @Override
  protected AbortExecutionException mkAbortException(int depth, int maxDepth) {
    return new LimitExceeded(
        ErrorCode.QUERY_TOO_DEEP, "Query depth " + depth + " exceeds the maximum of " + maxDepth);
  }
}
