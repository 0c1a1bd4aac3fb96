package dev.killboard.api.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/** The HTTP client the API uses to talk to EVE SSO (keys and tokens); bodies are read in full, timeouts bounded. */
final class SsoHttp {
  /** A response: status and body. */
  record Reply(int status, Buffer body) {
    JsonObject json() {
      return body.length() == 0 ? new JsonObject() : body.toJsonObject();
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private static final long TIMEOUT_MS = 10_000;
  private final HttpClientAgent client;

  SsoHttp(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true));
  }

  Future<Reply> get(String url) {
    return send(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url), null);
  }

  Future<Reply> postForm(String url, String authorization, String form) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .putHeader("Accept", "application/json");
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    return send(options, Buffer.buffer(form));
  }

  private Future<Reply> send(RequestOptions options, Buffer body) {
    options.setTimeout(TIMEOUT_MS).putHeader("User-Agent", "Killboard API (EVE SSO)");
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(this::read);
  }

  private Future<Reply> read(HttpClientResponse response) {
    return response.body().map(b -> new Reply(response.statusCode(), b));
  }

  Future<Void> close() {
    return client.close();
  }
}
