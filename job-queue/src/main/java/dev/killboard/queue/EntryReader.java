package dev.killboard.queue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's reads, over its own connection so a blocking read never delays a settlement: takes
 * ready entries (higher priorities first), or blocks on every priority stream until one arrives;
 * recreates the consumer group when Redis lost it. One read at a time.
 */
final class EntryReader {

  private static final Logger LOG = LoggerFactory.getLogger(EntryReader.class);

  /** What the reader is doing. */
  enum Read {
    IDLE,
    CLAIMING,
    BLOCKED
  }

  private final ConsumerContext ctx;
  private final QueueCommands commands;
  private final QueueKeys keys;
  private final QueueSettings settings;
  private final String consumer;
  private final ReadConnection reads;
  private Read read = Read.IDLE;
  private long clientId = -1;

  EntryReader(
      ConsumerContext ctx,
      QueueCommands commands,
      QueueKeys keys,
      QueueSettings settings,
      String consumer) {
    this(
        ctx,
        commands,
        keys,
        settings,
        consumer,
        reader ->
            new RedisLink(
                ctx.vertx(),
                ctx.context(),
                "reads of " + consumer + " on " + keys.queue(),
                settings,
                conn -> reader.prepare(conn::send)));
  }

  /**
   * @param connect makes the reader's own connection, which must run {@link #prepare} on every
   *     (re)connection
   */
  EntryReader(
      ConsumerContext ctx,
      QueueCommands commands,
      QueueKeys keys,
      QueueSettings settings,
      String consumer,
      Function<EntryReader, ReadConnection> connect) {
    this.ctx = ctx;
    this.commands = commands;
    this.keys = keys;
    this.settings = settings;
    this.consumer = consumer;
    this.reads = connect.apply(this);
  }

  Future<Void> start() {
    return ctx.deliver(reads.start());
  }

  Future<Void> close() {
    return ctx.deliver(reads.close());
  }

  /** Whether a read is under way. */
  boolean busy() {
    return read != Read.IDLE;
  }

  /**
   * Takes up to {@code count} ready entries from the streams of higher priority than {@code above}
   * (null: all).
   */
  Future<List<Delivery>> claim(Priority above, int count) {
    List<String> streams = keys.streamsAbove(above);
    List<String> args = List.of(settings.consumerGroup(), consumer, Integer.toString(count));
    return reading(
        Read.CLAIMING,
        reads
            .run(QueueScripts.CLAIM, streams, args)
            .map(
                reply -> {
                  List<Delivery> out = new ArrayList<>();
                  for (Response t : reply) {
                    out.add(decode(t.get(0).toString(), t.get(1).toString(), t.get(2)));
                  }
                  return out;
                }));
  }

  /**
   * Waits for one new entry on any priority stream, up to the block timeout (then completes empty).
   */
  Future<List<Delivery>> awaitNew() {
    List<String> streams = keys.streams();
    Request r =
        Request.cmd(Command.XREADGROUP)
            .arg("GROUP")
            .arg(settings.consumerGroup())
            .arg(consumer)
            .arg("COUNT")
            .arg(1)
            .arg("BLOCK")
            .arg(settings.blockTimeout().toMillis())
            .arg("STREAMS");
    for (String s : streams) {
      r.arg(s);
    }
    for (int i = 0; i < streams.size(); i++) {
      r.arg(">");
    }
    long timeout = settings.blockTimeout().toMillis() + settings.commandTimeout().toMillis();
    return reading(Read.BLOCKED, reads.send(r, timeout).map(this::readReply));
  }

  /** Ends a blocking read now instead of after the block timeout (on stop). */
  void unblock() {
    if (read == Read.BLOCKED && clientId >= 0) {
      commands
          .send(Request.cmd(Command.CLIENT).arg("UNBLOCK").arg(clientId))
          .onFailure(err -> LOG.debug("CLIENT UNBLOCK failed: {}", err.toString()));
    }
  }

  /**
   * After a failed read: recreates a lost group, or waits for the connection to be back; completes
   * when reading may go on.
   */
  Future<Void> recover(Throwable cause) {
    String m = cause.getMessage();
    Future<?> ready;
    if (m != null && m.contains("NOGROUP")) {
      // Redis lost the group (restarted without persistence, or keys deleted by hand): recreate and
      // go on.
      LOG.warn(
          "Consumer group {} of {} is missing (Redis lost its data?); recreating it",
          settings.consumerGroup(),
          keys.queue());
      ready = ensureGroups(reads::send);
    } else {
      if (!RedisLink.isConnectionFailure(cause) && reads.isUp()) {
        LOG.warn(
            "Consumer {} of {}: reading failed ({}); retrying",
            consumer,
            keys.queue(),
            RedisLink.describe(cause));
      }
      // The link logs the outage once and reconnects; reading resumes when it is back.
      ready = reads.whenUp();
    }
    return ctx.deliver(ready)
        .transform(
            ar -> {
              Promise<Void> later = Promise.promise();
              ctx.later(settings.reconnectMin().toMillis(), later::complete);
              return later.future();
            });
  }

  private Future<List<Delivery>> reading(Read kind, Future<List<Delivery>> f) {
    read = kind;
    return ctx.deliver(f).andThen(ar -> read = Read.IDLE);
  }

  /**
   * Runs on every (re)connection of the read connection, over that connection: names it, notes its
   * id, makes sure the groups exist.
   */
  Future<Void> prepare(Function<Request, Future<Response>> conn) {
    return conn.apply(Request.cmd(Command.CLIENT).arg("ID"))
        .compose(
            id -> {
              clientId = id.toLong();
              return conn.apply(
                  Request.cmd(Command.CLIENT).arg("SETNAME").arg("kb-consumer:" + consumer));
            })
        .compose(x -> ensureGroups(conn));
  }

  private Future<Void> ensureGroups(Function<Request, Future<Response>> sender) {
    List<Future<Response>> all = new ArrayList<>();
    for (String stream : keys.streams()) {
      // From id 0, so jobs enqueued before the group existed are consumed too (acknowledged ones
      // are deleted).
      Request create =
          Request.cmd(Command.XGROUP)
              .arg("CREATE")
              .arg(stream)
              .arg(settings.consumerGroup())
              .arg("0")
              .arg("MKSTREAM");
      all.add(
          sender
              .apply(create)
              .recover(
                  err ->
                      err.getMessage() != null && err.getMessage().startsWith("BUSYGROUP")
                          ? Future.succeededFuture()
                          : Future.failedFuture(err)));
    }
    return Future.all(all).mapEmpty();
  }

  /**
   * XREADGROUP reply: [[stream, [[id, fields], ...]], ...] (RESP2) or {stream: [[id, fields], ...]}
   * (RESP3).
   */
  private List<Delivery> readReply(Response reply) {
    List<Delivery> out = new ArrayList<>();
    if (reply == null) {
      return out; // block time passed (or CLIENT UNBLOCK)
    }
    if (reply.isMap()) {
      for (String stream : reply.getKeys()) {
        addEntries(out, stream, reply.get(stream));
      }
    } else {
      for (Response s : reply) {
        addEntries(out, s.get(0).toString(), s.get(1));
      }
    }
    return out;
  }

  private void addEntries(List<Delivery> out, String stream, Response entries) {
    if (entries == null) {
      return;
    }
    for (Response e : entries) {
      out.add(decode(stream, e.get(0).toString(), e.get(1)));
    }
  }

  private Delivery decode(String stream, String entryId, Response fields) {
    return Delivery.decode(keys, stream, entryId, StreamEntries.fields(fields), 1);
  }
}
