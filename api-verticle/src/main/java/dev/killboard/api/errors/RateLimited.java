package dev.killboard.api.errors;

import java.util.Map;

/**
 * A refusal for calling too often (code RATE_LIMITED); HTTP answers it with 429 and {@code
 * Retry-After}.
 */
public final class RateLimited extends ApiException {
  private final long retryAfterSeconds;

  public RateLimited(String message, long retryAfterSeconds) {
    super(ErrorCode.RATE_LIMITED, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public Map<String, Object> getExtensions() {
    return Map.of("code", ErrorCode.RATE_LIMITED.name(), "retryAfterSeconds", retryAfterSeconds);
  }
}
