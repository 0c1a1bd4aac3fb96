package dev.killboard.backfill;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.store.KillmailIngest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.time.DateTimeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Imports killmails from archive files into the database through {@link KillmailIngest}, on the
 * pool it is given (the backfill's budgeted 2-connection worker pool).
 *
 * <p>One reader thread decompresses and parses entries into batches while up to two batches are
 * written, one per connection. Each batch is one transaction: its killmails (victim, attackers,
 * nested items, zkb values) plus the file's resume cursor ({@link ArchiveCursor}, {@link
 * CommitTracker}). Duplicates are skipped by the ingest's {@code ON CONFLICT DO NOTHING}; a file
 * already imported whole is skipped without being read. A malformed entry is reported (entry name
 * and reason) and skipped: the parser rejects what the database would, and should the database
 * still refuse a batch for its data, the batch is retried one killmail per transaction so only the
 * bad one is lost. Any other failure (database down, budget exhausted) stops the import; everything
 * committed stays, and a re-run resumes there.
 */
public final class BackfillImport {
  /** Batches written at once: one per connection of the worker pool. */
  static final int MAX_IN_FLIGHT = 2;

  private final Vertx vertx;
  private final Pool pool;
  private final BackfillSettings settings;
  private final BackfillProgress progress;
  private final KillmailIngest ingest = new KillmailIngest();
  private final MissingHashes missingHashes;
  private volatile boolean stopRequested;
  private volatile boolean stopReached;
  private volatile Throwable fatal;
  private WorkerExecutor reader;

  /**
   * An import of {@code settings.paths()} through {@code pool}; progress lines go to {@code out}.
   */
  public BackfillImport(Vertx vertx, Pool pool, BackfillSettings settings, Consumer<String> out) {
    this(vertx, pool, settings, out, 5_000);
  }

  /** As above, printing progress at most every {@code progressIntervalMillis}. */
  public BackfillImport(
      Vertx vertx,
      Pool pool,
      BackfillSettings settings,
      Consumer<String> out,
      long progressIntervalMillis) {
    this(vertx, pool, settings, out, progressIntervalMillis, MissingHashes.NONE);
  }

  /** As above; entries without a hash of their own get it from {@code missingHashes}. */
  public BackfillImport(
      Vertx vertx,
      Pool pool,
      BackfillSettings settings,
      Consumer<String> out,
      long progressIntervalMillis,
      MissingHashes missingHashes) {
    this.missingHashes = missingHashes;
    this.vertx = vertx;
    this.pool = pool;
    this.settings = settings;
    this.progress = new BackfillProgress(out, progressIntervalMillis);
  }

  /**
   * Asks the import to stop after the batches in flight; it then completes with {@code stopped =
   * true}.
   */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Runs the whole import; completes with the report, or fails with the reason it could not go on.
   */
  public Future<BackfillReport> run() {
    Context context = vertx.getOrCreateContext();
    Promise<BackfillReport> done = Promise.promise();
    // Everything below runs on one context, so the in-flight bookkeeping needs no locks.
    context.runOnContext(
        v -> {
          reader =
              vertx.createSharedWorkerExecutor(
                  "backfill-reader-" + UUID.randomUUID(), 1, 10, TimeUnit.MINUTES);
          reader
              .executeBlocking(() -> SourceFiles.resolve(settings.paths()))
              .compose(files -> importFiles(files, 0))
              .map(v2 -> progress.report(stopRequested || stopReached))
              .eventually(() -> reader.close())
              .onComplete(done);
        });
    return done.future();
  }

  private Future<Void> importFiles(List<SourceFile> files, int index) {
    if (index >= files.size() || stopRequested || stopReached) {
      return Future.succeededFuture();
    }
    return importFile(files.get(index), index + 1, files.size())
        .compose(v -> importFiles(files, index + 1));
  }

  private Future<Void> importFile(SourceFile file, int number, int of) {
    return reader
        .executeBlocking(() -> Files.size(file.path()))
        .compose(
            size -> {
              ArchiveCursor cursor = new ArchiveCursor(file, size);
              return cursor
                  .open(pool)
                  .compose(
                      state -> {
                        if (state.completed()) {
                          progress.fileAlreadyImported(file, number, of, state.position());
                          return Future.succeededFuture();
                        }
                        progress.fileStarted(file, number, of, state);
                        long[] before = progress.snapshot();
                        return reader
                            .executeBlocking(
                                () -> {
                                  ArchiveReader r = ArchiveReader.open(file);
                                  try {
                                    r.skip(state.position());
                                  } catch (java.io.IOException | RuntimeException e) {
                                    r.close();
                                    throw e;
                                  }
                                  return r;
                                })
                            .compose(
                                r -> {
                                  FileRun run = new FileRun(file, cursor, r, state.position());
                                  return pump(run)
                                      .eventually(
                                          () ->
                                              reader.executeBlocking(
                                                  () -> {
                                                    r.close();
                                                    return null;
                                                  }))
                                      .compose(v -> finishFile(run, before));
                                });
                      });
            });
  }

  private Future<Void> finishFile(FileRun run, long[] before) {
    if (run.eof) {
      return pool.withTransaction(tx -> run.cursor.complete(tx, run.nextIndex))
          .onSuccess(v -> progress.fileDone(run.file, run.nextIndex, before));
    }
    // Stopped early: batches that committed before an earlier one could only claim the committed
    // prefix.
    return pool.withTransaction(tx -> run.cursor.advance(tx, run.tracker.prefixEnd()));
  }

  /** The state of one file's import; touched by the reader thread in turns, and by the context. */
  private static final class FileRun {
    final SourceFile file;
    final ArchiveCursor cursor;
    final ArchiveReader reader;
    final CommitTracker tracker;
    final Deque<Future<Void>> inFlight = new ArrayDeque<>();
    long nextIndex;
    long nextSeq;
    boolean eof;

    FileRun(SourceFile file, ArchiveCursor cursor, ArchiveReader reader, long start) {
      this.file = file;
      this.cursor = cursor;
      this.reader = reader;
      this.tracker = new CommitTracker(start);
      this.nextIndex = start;
    }
  }

  /** One transaction's worth of entries [start, end) and the killmails among them. */
  private record Batch(
      long seq, long start, long end, List<EsiKillmail> killmails, List<String> names) {}

  private Future<Void> pump(FileRun run) {
    if (fatal != null) {
      return drain(run);
    }
    return reader
        .executeBlocking(() -> readBatch(run))
        .compose(
            batch -> {
              if (batch.end() > batch.start()) {
                run.tracker.register(batch.seq(), batch.start(), batch.end());
                Future<Void> write = writeBatch(run, batch);
                run.inFlight.add(write);
                write.onComplete(ar -> run.inFlight.remove(write));
              }
              if (run.eof || stopRequested || stopReached) {
                return drain(run);
              }
              if (run.inFlight.size() < MAX_IN_FLIGHT) {
                return pump(run);
              }
              return run.inFlight.peek().transform(ar -> pump(run));
            });
  }

  /** Waits for every batch in flight; fails with the first fatal error, if any. */
  private Future<Void> drain(FileRun run) {
    return Future.join(new ArrayList<>(run.inFlight))
        .transform(ar -> fatal != null ? Future.failedFuture(fatal) : Future.succeededFuture());
  }

  /** Runs on the reader thread: reads and parses up to a batch of killmails. */
  private Batch readBatch(FileRun run) throws java.io.IOException {
    long start = run.nextIndex;
    List<EsiKillmail> killmails = new ArrayList<>(settings.batchSize());
    List<String> names = new ArrayList<>(settings.batchSize());
    while (killmails.size() < settings.batchSize() && !stopRequested) {
      if (settings.stopAfter() > 0 && progress.entries() >= settings.stopAfter()) {
        stopReached = true;
        break;
      }
      ArchiveEntry entry = run.reader.next();
      if (entry == null) {
        run.eof = true;
        break;
      }
      progress.entryRead();
      run.nextIndex = entry.index() + 1;
      try {
        killmails.add(KillmailParser.parse(entry, missingHashes));
        names.add(entry.name());
      } catch (MalformedKillmailException e) {
        progress.malformed(entry.name(), e.getMessage());
      }
    }
    return new Batch(run.nextSeq++, start, run.nextIndex, killmails, names);
  }

  private Future<Void> writeBatch(FileRun run, Batch batch) {
    return pool.withTransaction(
            tx ->
                Future.<Void>succeededFuture()
                    .compose(v -> ingest.write(tx, batch.killmails()))
                    .compose(
                        ids ->
                            run.cursor.advance(tx, run.tracker.positionFor(batch.seq())).map(ids)))
        .transform(
            ar -> {
              if (ar.succeeded()) {
                committed(run, batch.seq(), ar.result(), batch.killmails().size());
                return Future.succeededFuture();
              }
              if (isDataError(ar.cause()) && batch.killmails().size() > 1) {
                return writeOneByOne(run, batch, 0, new ArrayList<>(), 0);
              }
              if (isDataError(ar.cause())) {
                progress.malformed(
                    batch.names().get(0), "rejected by the database: " + ar.cause().getMessage());
                return pool.withTransaction(
                        tx -> run.cursor.advance(tx, run.tracker.positionFor(batch.seq())))
                    .onSuccess(v -> committed(run, batch.seq(), List.of(), 0))
                    .onFailure(this::fail);
              }
              fail(ar.cause());
              return Future.failedFuture(ar.cause());
            });
  }

  /**
   * The database refused a batch for its data: store its killmails one per transaction, reporting
   * the refused.
   */
  private Future<Void> writeOneByOne(
      FileRun run, Batch batch, int i, List<Integer> storedIds, int attempted) {
    if (i >= batch.killmails().size()) {
      return pool.withTransaction(
              tx -> run.cursor.advance(tx, run.tracker.positionFor(batch.seq())))
          .onSuccess(v -> committed(run, batch.seq(), storedIds, attempted))
          .onFailure(this::fail);
    }
    EsiKillmail killmail = batch.killmails().get(i);
    return pool.withTransaction(
            tx -> Future.<Void>succeededFuture().compose(v -> ingest.write(tx, List.of(killmail))))
        .transform(
            ar -> {
              if (ar.succeeded()) {
                storedIds.addAll(ar.result());
                return writeOneByOne(run, batch, i + 1, storedIds, attempted + 1);
              }
              if (isDataError(ar.cause())) {
                progress.malformed(
                    batch.names().get(i), "rejected by the database: " + ar.cause().getMessage());
                return writeOneByOne(run, batch, i + 1, storedIds, attempted);
              }
              fail(ar.cause());
              return Future.failedFuture(ar.cause());
            });
  }

  private void committed(FileRun run, long seq, List<Integer> ids, int killmails) {
    run.tracker.committed(seq);
    progress.committed(ids.size(), killmails - ids.size());
    if (settings.publish() && !ids.isEmpty()) {
      ingest.publish(vertx, ids);
    }
  }

  private void fail(Throwable e) {
    if (fatal == null) {
      fatal = e;
    }
  }

  /**
   * Refused for the data it carries (SQLSTATE classes 22 and 23, or values the ingest cannot
   * convert).
   */
  static boolean isDataError(Throwable e) {
    if (e instanceof PgException pg) {
      String state = pg.getSqlState();
      return state != null && (state.startsWith("22") || state.startsWith("23"));
    }
    return e instanceof IllegalArgumentException
        || e instanceof ArithmeticException
        || e instanceof ClassCastException
        || e instanceof DateTimeException;
  }
}
