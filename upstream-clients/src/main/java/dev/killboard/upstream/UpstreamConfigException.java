package dev.killboard.upstream;

/** An upstream setting is wrong; the message names every wrong setting and what to change. */
public final class UpstreamConfigException extends IllegalArgumentException {
  public UpstreamConfigException(String message) {
    super(message);
  }
}
