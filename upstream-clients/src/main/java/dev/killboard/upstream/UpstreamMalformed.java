package dev.killboard.upstream;

/**
 * The answer is not valid JSON or lacks a field the workers need: nothing is written; the message
 * says what is wrong.
 */
public final class UpstreamMalformed extends UpstreamException {
  public UpstreamMalformed(
      UpstreamService service, String endpoint, String detail, Throwable cause) {
    super(service, endpoint, "malformed answer: " + detail, cause);
  }
}
