package dev.killboard.upstream;

/**
 * A call to a third-party service did not give usable data. The subclass says what the caller
 * should do: {@link UpstreamNotFound} drop the job, {@link UpstreamRetryable} retry later, {@link
 * UpstreamMalformed} write nothing and report, {@link UpstreamRejected} stop (credentials or
 * request are wrong). Messages never hold tokens.
 */
public abstract class UpstreamException extends RuntimeException {
  private final UpstreamService service;
  private final String endpoint;

  protected UpstreamException(
      UpstreamService service, String endpoint, String message, Throwable cause) {
    super(service.label() + " " + endpoint + ": " + message, cause);
    this.service = service;
    this.endpoint = endpoint;
  }

  /** The service that answered (or did not). */
  public UpstreamService service() {
    return service;
  }

  /** The URL called (never with credentials). */
  public String endpoint() {
    return endpoint;
  }
}
