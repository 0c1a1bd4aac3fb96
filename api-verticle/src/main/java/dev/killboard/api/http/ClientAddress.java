package dev.killboard.api.http;

import io.vertx.ext.web.RoutingContext;

/**
 * The address per-client limits count by: the connection's peer, or the one X-Forwarded-For names
 * when {@code KILLBOARD_TRUST_X_FORWARDED_FOR} is set (the router then resolves forwarded
 * addresses).
 */
public final class ClientAddress {
  private ClientAddress() {}

  public static String of(RoutingContext rc) {
    var address = rc.request().remoteAddress();
    return address == null || address.host() == null ? "unknown" : address.host();
  }
}
