package dev.killboard.api.config;

/** A setting of the API is missing or wrong; the message names the setting and what to change. */
public final class ApiConfigException extends RuntimeException {
  public ApiConfigException(String message) {
    super(message);
  }
}
