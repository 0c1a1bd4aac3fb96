package dev.killboard.api.errors;

/** The values of {@code extensions.code} in every error the API answers with. */
public enum ErrorCode {
  /** The HTTP request itself is unusable: malformed JSON, no query, wrong content type. */
  BAD_REQUEST,
  /** No such path. */
  NOT_FOUND,
  /** The query text does not parse. */
  GRAPHQL_PARSE_FAILED,
  /** The query does not validate against the schema. */
  GRAPHQL_VALIDATION_FAILED,
  /** An argument or variable has a wrong type or a value out of range. */
  BAD_USER_INPUT,
  /** The operation needs a valid bearer token. */
  UNAUTHENTICATED,
  /** The signed-in user may not do this. */
  FORBIDDEN,
  /**
   * The OAuth state of a sign-in was not issued, expired, already used or belongs to another
   * browser.
   */
  LOGIN_STATE_REJECTED,
  /** The query nests deeper than allowed. */
  QUERY_TOO_DEEP,
  /** The query would cost more than allowed. */
  QUERY_TOO_COMPLEX,
  /** Introspection is switched off. */
  INTROSPECTION_DISABLED,
  /** The body is larger than allowed. */
  PAYLOAD_TOO_LARGE,
  /** The answer would be larger than the response-size cap. */
  RESPONSE_TOO_LARGE,
  /** The connection or client already runs as many subscriptions or streams as allowed. */
  TOO_MANY_STREAMS,
  /** The client spent more than its rate limit allows (HTTP 429 with Retry-After). */
  RATE_LIMITED,
  /** A statement or the whole request took longer than allowed. */
  TIMEOUT,
  /** The database or the job queue cannot be reached, or no connection was free in time. */
  SERVICE_UNAVAILABLE,
  /** EVE SSO (or another upstream service) failed. */
  UPSTREAM_ERROR,
  /** The operation exists for compatibility but is not offered. */
  NOT_SUPPORTED,
  /**
   * Anything unexpected; details are in the server log under the error's id, never in the answer.
   */
  INTERNAL_SERVER_ERROR
}
