package dev.killboard.upstream.zkillboard;

import dev.killboard.contracts.Zkb;
import dev.killboard.upstream.JsonShape;
import dev.killboard.upstream.RequestPacer;
import dev.killboard.upstream.StatusOutcome;
import dev.killboard.upstream.UpstreamHttp;
import dev.killboard.upstream.UpstreamService;
import dev.killboard.upstream.UpstreamSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * zKillboard's history API: {@code /api/{characterID|corporationID|allianceID}/{id}/page/{n}/} with
 * the trailing slash, gzip, and requests spaced to the configured polite rate. Each entry holds
 * only the killmail id and {@code zkb} (with the hash); the killmail itself comes from ESI. An
 * empty list means past the last page.
 */
public final class ZkillboardClient implements AutoCloseable {
  private static final int MAX_ENTRIES = 10_000;

  /** A busy day has about 50,000 killmails; far more is not a day of EVE. */
  private static final int MAX_DAY_ENTRIES = 1_000_000;

  private final UpstreamSettings settings;
  private final UpstreamHttp http;
  private final RequestPacer pacer;

  /** A client pacing itself at {@link UpstreamSettings#zkbRequestsPerSecond()}. */
  public ZkillboardClient(Vertx vertx, UpstreamSettings settings) {
    this.settings = settings;
    this.http = new UpstreamHttp(vertx, settings);
    this.pacer = new RequestPacer(vertx, settings.zkbRequestsPerSecond());
  }

  /** One history page (from 1) of a character, corporation or alliance, newest first. */
  public Future<List<ZkbKillmailRef>> history(ZkbEntity entity, long id, int page) {
    if (id <= 0 || page < 1) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "zKillboard ids are positive and pages start at 1, got id " + id + " page " + page));
    }
    String url =
        settings.zkbBaseUrl() + "/" + entity.pathSegment() + "/" + id + "/page/" + page + "/";
    return get(url, (shape, body) -> entries(shape, shape.array(body)));
  }

  /**
   * A paced, gzip-accepting GET whose 200 body {@code read} turns into the answer; other statuses
   * fail typed.
   */
  private <T> Future<T> get(
      String url, BiFunction<JsonShape, io.vertx.core.buffer.Buffer, T> read) {
    JsonShape shape = new JsonShape(UpstreamService.ZKILLBOARD, url);
    return pacer
        .next()
        .compose(
            v ->
                UpstreamHttp.send(
                    UpstreamService.ZKILLBOARD,
                    url,
                    http.get(url).putHeader("Accept-Encoding", "gzip").send()))
        .compose(
            response ->
                response.statusCode() == 200
                    ? Future.succeededFuture(read.apply(shape, response.body()))
                    : Future.failedFuture(
                        StatusOutcome.failure(UpstreamService.ZKILLBOARD, url, response)));
  }

  /** A character's history page. */
  public Future<List<ZkbKillmailRef>> characterHistory(long characterId, int page) {
    return history(ZkbEntity.CHARACTER, characterId, page);
  }

  /** A corporation's history page. */
  public Future<List<ZkbKillmailRef>> corporationHistory(long corporationId, int page) {
    return history(ZkbEntity.CORPORATION, corporationId, page);
  }

  /** An alliance's history page. */
  public Future<List<ZkbKillmailRef>> allianceHistory(long allianceId, int page) {
    return history(ZkbEntity.ALLIANCE, allianceId, page);
  }

  /**
   * Every killmail id zKillboard knows for one UTC day, with its hash: {@code
   * /api/history/{yyyyMMdd}.json}, answered {@code {"<killmail_id>": "<hash>", …}}. What an archive
   * of verbatim ESI killmails (EVE Ref's) lacks.
   */
  public Future<Map<Long, String>> dayHashes(LocalDate day) {
    String url =
        settings.zkbBaseUrl()
            + "/history/"
            + day.format(DateTimeFormatter.BASIC_ISO_DATE)
            + ".json";
    return get(url, (shape, body) -> dayHashes(shape, shape.object(body)));
  }

  private static Map<Long, String> dayHashes(JsonShape s, JsonObject day) {
    if (day.size() > MAX_DAY_ENTRIES) {
      throw s.malformed("more than " + MAX_DAY_ENTRIES + " killmails in one day");
    }
    Map<Long, String> hashes = new HashMap<>(day.size() * 2);
    for (String key : day.fieldNames()) {
      long id;
      try {
        id = Long.parseLong(key);
      } catch (NumberFormatException e) {
        throw s.malformed("key '" + key + "' is not a killmail id");
      }
      if (id <= 0) {
        throw s.malformed("key '" + key + "' is not a killmail id");
      }
      hashes.put(id, s.hash(day, "", key));
    }
    return hashes;
  }

  private static List<ZkbKillmailRef> entries(JsonShape s, JsonArray array) {
    s.atMost(array, "", MAX_ENTRIES);
    List<ZkbKillmailRef> refs = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String at = "[" + i + "]";
      JsonObject entry = s.element(array, "", i);
      long id = s.id(entry, at, "killmail_id");
      JsonObject zkbJson = s.child(entry, at, "zkb");
      Zkb zkb = s.contract(() -> Zkb.fromJson(zkbJson, at + ".zkb").requireHash(at + ".zkb"));
      refs.add(new ZkbKillmailRef(id, zkb.hash(), zkb));
    }
    return refs;
  }

  @Override
  public void close() {
    http.close();
  }
}
