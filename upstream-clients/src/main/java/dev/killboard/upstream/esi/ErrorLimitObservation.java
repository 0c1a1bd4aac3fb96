package dev.killboard.upstream.esi;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;

/**
 * What one ESI request saw of the error limit.
 *
 * @param status the HTTP status, 0 when no answer came (timeout, dropped connection), -1 when
 *     nothing was sent
 * @param remain {@code X-ESI-Error-Limit-Remain}, or null when absent
 * @param resetSeconds {@code X-ESI-Error-Limit-Reset}, or null when absent
 */
public record ErrorLimitObservation(int status, Integer remain, Integer resetSeconds) {

  /** A request that got no answer: ESI may count it as an error. */
  public static ErrorLimitObservation noResponse() {
    return new ErrorLimitObservation(0, null, null);
  }

  /**
   * The admitted request was never sent (it failed while being built): it cannot have cost an
   * error.
   */
  public static ErrorLimitObservation notSent() {
    return new ErrorLimitObservation(-1, null, null);
  }

  /** Reads status and headers of an answer. */
  public static ErrorLimitObservation of(HttpResponse<Buffer> response) {
    return new ErrorLimitObservation(
        response.statusCode(),
        integer(response.getHeader("X-ESI-Error-Limit-Remain")),
        integer(response.getHeader("X-ESI-Error-Limit-Reset")));
  }

  /**
   * Whether ESI counts this request against the limit (4xx/5xx except the 420 itself, and no
   * answer).
   */
  public boolean countsAsError() {
    return status == 0 || (status >= 400 && status != 420);
  }

  private static Integer integer(String header) {
    if (header == null) {
      return null;
    }
    try {
      int v = Integer.parseInt(header.trim());
      return v < 0 ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
