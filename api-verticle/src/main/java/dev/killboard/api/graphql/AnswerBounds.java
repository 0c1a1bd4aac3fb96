package dev.killboard.api.graphql;

import dev.killboard.api.errors.ApiException;
import dev.killboard.api.errors.ErrorCode;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphQLContext;
import graphql.execution.ResultNodesInfo;
import java.util.List;
import java.util.Map;

/**
 * Keeps an answer within the response-size cap and the request's time limit before it is encoded:
 * execution stops adding fields past a node budget (graphql-java's {@link
 * ResultNodesInfo#MAX_RESULT_NODES}), and a result that is over the byte cap, over the node budget
 * or past its deadline is replaced by a single error. Encoding on the event loop is therefore
 * bounded by the cap (8 MiB encode in well under 100 ms), and no late answer is encoded at all.
 */
final class AnswerBounds {
  /**
   * The smallest a result node encodes to ({@code "a":1,} is 6 bytes); the node budget is the cap
   * over this.
   */
  static final int MIN_NODE_BYTES = 8;

  private final int maxResponseBytes;

  AnswerBounds(int maxResponseBytes) {
    this.maxResponseBytes = maxResponseBytes;
  }

  /** Puts the node budget into a new execution's context. */
  void limit(GraphQLContext.Builder context) {
    context.put(ResultNodesInfo.MAX_RESULT_NODES, Math.max(1, maxResponseBytes / MIN_NODE_BYTES));
  }

  /** {@code result}, or a single error in its place when it is late or too large. */
  ExecutionResult bound(ExecutionResult result, GraphQLContext context) {
    RequestDeadline deadline = context.get(RequestDeadline.class);
    if (deadline != null && deadline.passed()) {
      return failed(deadline.timeout());
    }
    ResultNodesInfo nodes = context.get(ResultNodesInfo.RESULT_NODES_INFO);
    if ((nodes != null && nodes.isMaxResultNodesExceeded())
        || exceeds(result.getData(), maxResponseBytes)) {
      return failed(
          new ApiException(
              ErrorCode.RESPONSE_TOO_LARGE,
              "The answer would be larger than "
                  + maxResponseBytes
                  + " bytes; ask for smaller pages or fewer fields"));
    }
    return result;
  }

  private static ExecutionResult failed(ApiException error) {
    return ExecutionResultImpl.newExecutionResult().addError(error).build();
  }

  /**
   * Whether {@code data} encodes to more than {@code limit} bytes, estimated from below (no
   * escapes, numbers as 1 byte); stops as soon as the estimate passes the limit.
   */
  static boolean exceeds(Object data, long limit) {
    return measure(data, limit) > limit;
  }

  private static long measure(Object value, long budget) {
    if (value instanceof Map<?, ?> map) {
      long size = 2;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        size += String.valueOf(e.getKey()).length() + 4;
        size += measure(e.getValue(), budget - size);
        if (size > budget) {
          return size;
        }
      }
      return size;
    }
    if (value instanceof List<?> list) {
      long size = 2;
      for (Object item : list) {
        size += 1 + measure(item, budget - size);
        if (size > budget) {
          return size;
        }
      }
      return size;
    }
    if (value instanceof CharSequence s) {
      return s.length() + 2L;
    }
    return value == null ? 4 : 1;
  }
}
