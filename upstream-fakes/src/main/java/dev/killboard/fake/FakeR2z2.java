package dev.killboard.fake;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A local R2Z2 live feed: {@code /ephemeral/sequence.json} → {@code {"sequence": N}} and {@code
 * /ephemeral/{N}.json} → {@code {killmail_id, hash, esi, zkb}}, 404 for sequences not published yet
 * (or discarded). Tests publish killmails with {@link #publishNew(int)}; like the real feed, {@code
 * sequence.json} may lag behind ({@link #FakeR2z2(Vertx, FakeUniverse, long, int)}).
 */
public final class FakeR2z2 extends FakeServer {
  public static final String SEQUENCE = "/sequence.json";
  public static final String ENTRY = "/{sequence}.json";

  /** The path prefix of the feed. */
  public static final String PREFIX = "/ephemeral";

  private final FakeUniverse universe;
  private final long firstSequence;
  private final int sequenceLag;
  private final NavigableMap<Long, JsonObject> entries = new TreeMap<>();
  private long latest;
  private long reported;

  /** A feed whose first sequence is 1,000,001 and whose sequence.json is always current. */
  public FakeR2z2(Vertx vertx, FakeUniverse universe) {
    this(vertx, universe, 1_000_001L, 1);
  }

  /**
   * A feed starting at {@code firstSequence}; {@code sequence.json} is rewritten only once {@code
   * sequenceLag} new sequences have been published since it last was (R2Z2: about 50).
   */
  public FakeR2z2(Vertx vertx, FakeUniverse universe, long firstSequence, int sequenceLag) {
    super(vertx);
    this.universe = universe;
    this.firstSequence = firstSequence;
    this.sequenceLag = Math.max(1, sequenceLag);
    this.latest = firstSequence - 1;
    this.reported = firstSequence - 1;
  }

  @Override
  public String baseUrl() {
    return origin() + PREFIX;
  }

  /** Publishes a killmail; returns its sequence. */
  public synchronized long publish(FakeKillmail km) {
    long sequence = ++latest;
    String href = "https://esi.evetech.net/v1/killmails/" + km.killmailId() + "/" + km.hash() + "/";
    entries.put(sequence, km.r2z2Entry(href));
    if (latest - reported >= sequenceLag) {
      reported = latest;
    }
    return sequence;
  }

  /**
   * Creates {@code count} new killmails in the universe and publishes them; returns their
   * sequences.
   */
  public List<Long> publishNew(int count) {
    List<Long> sequences = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sequences.add(publish(universe.createKillmail()));
    }
    return sequences;
  }

  /** The newest published sequence ({@code firstSequence - 1} before the first). */
  public synchronized long latestSequence() {
    return latest;
  }

  /** What {@code sequence.json} currently says. */
  public synchronized long reportedSequence() {
    return reported;
  }

  /** The first sequence this feed hands out. */
  public long firstSequence() {
    return firstSequence;
  }

  /** Forgets entries up to and including a sequence (R2Z2 keeps files about a day). */
  public synchronized void discardUpTo(long sequence) {
    entries.headMap(sequence, true).clear();
  }

  @Override
  public void mount(Router router) {
    route(
        router,
        HttpMethod.GET,
        "^" + PREFIX + "/sequence\\.json$",
        SEQUENCE,
        ctx -> json(ctx, 200, new JsonObject().put("sequence", reportedSequence()).encode()));
    route(
        router,
        HttpMethod.GET,
        "^" + PREFIX + "/(?<sequence>\\d{1,18})\\.json$",
        ENTRY,
        this::entry);
    fallback(
        router,
        "^" + PREFIX + "(/.*)?$",
        ctx -> ctx.response().setStatusCode(404).end("Not Found"));
  }

  private void entry(RoutingContext ctx) {
    long sequence = Long.parseLong(ctx.pathParam("sequence"));
    JsonObject entry;
    synchronized (this) {
      entry = entries.get(sequence);
    }
    if (entry == null) {
      ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("Not Found");
    } else {
      json(ctx, 200, entry.encode());
    }
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=UTF-8")
        .end(body);
  }
}
