package dev.killboard.queue;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The field layout of a job entry in a stream, and its encodings (XADD arguments, retry member
 * JSON).
 */
final class StreamEntries {

  static final String ID = "id";
  static final String PAYLOAD = "payload";
  static final String ATTEMPTS = "attempts";
  static final String ERROR = "error";
  static final String ENQUEUED = "enqueued";

  private StreamEntries() {}

  /** XADD of a fresh job: no failed attempts yet. */
  static Request xadd(String stream, String jobId, String payloadJson, long enqueuedMillis) {
    return Request.cmd(Command.XADD)
        .arg(stream)
        .arg("*")
        .arg(ID)
        .arg(jobId)
        .arg(PAYLOAD)
        .arg(payloadJson)
        .arg(ATTEMPTS)
        .arg("0")
        .arg(ENQUEUED)
        .arg(Long.toString(enqueuedMillis));
  }

  /**
   * The delayed-set member for a retry. Every value is a string so Lua's cjson (which turns numbers
   * into doubles) gives back exactly what went in.
   */
  static String retryMember(
      Priority priority,
      Map<String, String> fields,
      String jobId,
      int failedAttempts,
      String error) {
    JsonObject m =
        new JsonObject()
            .put("p", priority.key())
            .put("id", jobId)
            .put("payload", fields.getOrDefault(PAYLOAD, "{}"))
            .put("attempts", Integer.toString(failedAttempts))
            .put("enqueued", fields.getOrDefault(ENQUEUED, "0"))
            .put("error", error);
    return m.encode();
  }

  /** Field/value pairs of an entry, from a flat RESP2 array or a RESP3 map. */
  static Map<String, String> fields(Response flat) {
    Map<String, String> out = new LinkedHashMap<>();
    if (flat == null) {
      return out;
    }
    if (flat.isMap()) {
      for (String k : flat.getKeys()) {
        Response v = flat.get(k);
        out.put(k, v == null ? null : v.toString());
      }
      return out;
    }
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      Response k = flat.get(i);
      Response v = flat.get(i + 1);
      if (k != null) {
        out.put(k.toString(), v == null ? null : v.toString());
      }
    }
    return out;
  }

  static int intField(Map<String, String> fields, String name, int fallback) {
    String v = fields.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  static long longField(Map<String, String> fields, String name, long fallback) {
    String v = fields.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
