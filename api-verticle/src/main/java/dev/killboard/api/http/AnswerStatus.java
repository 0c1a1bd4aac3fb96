package dev.killboard.api.http;

import dev.killboard.api.errors.ErrorCode;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP status of a GraphQL answer. 200 as a rule (the errors are in the body); 429 with {@code
 * Retry-After} when the client's rate limit refused it; and, following the GraphQL-over-HTTP spec,
 * for clients that accept {@code application/graphql-response+json}: 503 with {@code Retry-After}
 * when the whole answer failed ({@code data} null) because a dependency is down
 * (SERVICE_UNAVAILABLE). Plain {@code application/json} clients get 200 then, as GraphQL clients
 * written before the spec expect.
 *
 * @param retryAfterSeconds 0: no Retry-After header
 */
record AnswerStatus(int code, long retryAfterSeconds, String contentType) {
  static final String GRAPHQL_RESPONSE = "application/graphql-response+json";

  /** How long a client should wait before retrying after a dependency failed. */
  static final long UNAVAILABLE_RETRY_SECONDS = 5;

  static AnswerStatus of(ExecutionResult result, String accept) {
    boolean specClient =
        accept != null && accept.toLowerCase(Locale.ROOT).contains(GRAPHQL_RESPONSE);
    String type = (specClient ? GRAPHQL_RESPONSE : "application/json") + "; charset=utf-8";
    if (result.getErrors().isEmpty()) {
      return new AnswerStatus(200, 0, type);
    }
    GraphQLError first = result.getErrors().get(0);
    Map<String, Object> ext = first.getExtensions();
    Object code = ext == null ? null : ext.get("code");
    if (ErrorCode.RATE_LIMITED.name().equals(code)) {
      Object wait = ext.get("retryAfterSeconds");
      return new AnswerStatus(429, wait instanceof Number n ? Math.max(1, n.longValue()) : 1, type);
    }
    boolean failedWhole = !result.isDataPresent() || result.getData() == null;
    if (specClient && failedWhole && ErrorCode.SERVICE_UNAVAILABLE.name().equals(code)) {
      return new AnswerStatus(503, UNAVAILABLE_RETRY_SECONDS, type);
    }
    return new AnswerStatus(200, 0, type);
  }
}
