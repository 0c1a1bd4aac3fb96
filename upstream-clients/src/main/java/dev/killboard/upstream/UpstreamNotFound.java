package dev.killboard.upstream;

/** 404: the entity does not exist upstream; the job is dropped, as the original does. */
public final class UpstreamNotFound extends UpstreamException {
  public UpstreamNotFound(UpstreamService service, String endpoint, String detail) {
    super(
        service,
        endpoint,
        "404 Not Found" + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"),
        null);
  }
}
