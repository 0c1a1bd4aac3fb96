package dev.killboard.upstream;

/**
 * The service refused the request itself (400, 401, 403, 422...): retrying the same call will not
 * help.
 */
public final class UpstreamRejected extends UpstreamException {
  private final int status;

  public UpstreamRejected(UpstreamService service, String endpoint, int status, String detail) {
    super(
        service,
        endpoint,
        "rejected with " + status + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"),
        null);
    this.status = status;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}
