package dev.killboard.upstream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What a non-2xx status means for the caller, as an {@link UpstreamException}; plus reading {@code
 * Retry-After}.
 */
public final class StatusOutcome {
  private StatusOutcome() {}

  /** The exception for an error status (404, 420, 429, 5xx, other 4xx). */
  public static UpstreamException failure(
      UpstreamService service, String endpoint, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String detail = errorText(response);
    Duration retryAfter = retryAfter(response, Duration.ZERO);
    if (status == 404) {
      return new UpstreamNotFound(service, endpoint, detail);
    }
    if (status == 420) {
      Duration reset =
          seconds(response.getHeader("X-ESI-Error-Limit-Reset"), Duration.ofSeconds(60));
      return new UpstreamRetryable(
          service, endpoint, UpstreamRetryable.Reason.ERROR_LIMITED, reset, detail, null);
    }
    if (status == 429) {
      return new UpstreamRetryable(
          service,
          endpoint,
          UpstreamRetryable.Reason.RATE_LIMITED,
          retryAfter.isZero() ? Duration.ofSeconds(1) : retryAfter,
          detail,
          null);
    }
    if (status >= 500) {
      return new UpstreamRetryable(
          service,
          endpoint,
          UpstreamRetryable.Reason.SERVER_ERROR,
          retryAfter,
          status + " " + detail,
          null);
    }
    return new UpstreamRejected(service, endpoint, status, detail);
  }

  /** {@code Retry-After} as seconds or an HTTP date; {@code fallback} when absent or unreadable. */
  public static Duration retryAfter(HttpResponse<?> response, Duration fallback) {
    String value = response.getHeader("Retry-After");
    if (value == null || value.isBlank()) {
      return fallback;
    }
    Duration seconds = seconds(value, null);
    if (seconds != null) {
      return seconds;
    }
    try {
      Instant at =
          ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(Instant.now(), at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  static Duration seconds(String value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      long s = Long.parseLong(value.trim());
      // Caps a hostile or broken header: no upstream asks for more than a day.
      return s < 0 ? fallback : Duration.ofSeconds(Math.min(s, 86_400));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /**
   * A short, safe description of an error body: ESI's {@code error} field, else the status message.
   */
  private static String errorText(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body != null && body.length() > 0 && body.length() < 4096) {
      try {
        Object error = new JsonObject(body).getValue("error");
        if (error instanceof String s) {
          return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }
      } catch (RuntimeException ignored) {
        // Not JSON: fall back to the status line.
      }
    }
    return response.statusMessage();
  }
}
