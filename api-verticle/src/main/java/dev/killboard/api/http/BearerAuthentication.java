package dev.killboard.api.http;

import dev.killboard.api.auth.Authentication;
import dev.killboard.api.auth.TokenAuthenticator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code Authorization: Bearer <EVE SSO access token>}, verifies it locally and leaves the
 * outcome in the routing context. No header, or an empty one (the original frontend sends {@code
 * authorization: ''} when signed out), is anonymous; a bad token is kept as a failure so user
 * operations can say why they refuse.
 */
public final class BearerAuthentication implements Handler<RoutingContext> {
  static final String KEY = "killboard.authentication";

  private final TokenAuthenticator verifier;

  public BearerAuthentication(TokenAuthenticator verifier) {
    this.verifier = verifier;
  }

  @Override
  public void handle(RoutingContext rc) {
    authenticate(rc.request().getHeader("Authorization"))
        .onComplete(
            ar -> {
              rc.put(KEY, ar.result());
              rc.next();
            });
  }

  /** Verifies a header value; never fails (failures become {@link Authentication#failed}). */
  public Future<Authentication> authenticate(String header) {
    if (header == null || header.isBlank()) {
      return Future.succeededFuture(Authentication.anonymous());
    }
    String h = header.trim();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.succeededFuture(
          Authentication.failed("the Authorization header is not 'Bearer <token>'"));
    }
    String token = h.substring(7).trim();
    if (token.isEmpty() || token.equals("null") || token.equals("undefined")) {
      return Future.succeededFuture(Authentication.anonymous());
    }
    return verifier
        .verify(token)
        .map(Authentication::of)
        .otherwise(
            e ->
                Authentication.failed(
                    e instanceof TokenAuthenticator.TokenRejected
                        ? e.getMessage()
                        : "invalid token"));
  }

  /** The outcome stored for this request (anonymous when the handler did not run). */
  public static Authentication of(RoutingContext rc) {
    Authentication a = rc.get(KEY);
    return a == null ? Authentication.anonymous() : a;
  }
}
