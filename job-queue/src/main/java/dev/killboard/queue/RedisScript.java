package dev.killboard.queue;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA1 (EVALSHA), sent in full (EVAL) only when Redis does not know it,
 * e.g. after a restart.
 */
final class RedisScript {

  private final String name;
  private final String source;
  private final String sha;

  RedisScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  String name() {
    return name;
  }

  Future<Response> run(RedisLink link, List<String> keys, List<String> args) {
    return link.send(request(Command.EVALSHA, sha, keys, args))
        .recover(
            err -> {
              String m = err.getMessage();
              if (m != null && m.startsWith("NOSCRIPT")) {
                return link.send(request(Command.EVAL, source, keys, args));
              }
              return Future.failedFuture(err);
            });
  }

  private static Request request(
      Command command, String script, List<String> keys, List<String> args) {
    Request r = Request.cmd(command).arg(script).arg(keys.size());
    for (String k : keys) {
      r.arg(k);
    }
    for (String a : args) {
      r.arg(a);
    }
    return r;
  }

  private static String sha1(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by the Java platform", e);
    }
  }
}
