package dev.killboard.worker.killmail;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.upstream.esi.EsiClient;
import dev.killboard.upstream.esi.KillmailRef;
import dev.killboard.upstream.zkillboard.ZkbKillmailRef;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads killmails from ESI {@code /killmails/{id}/{hash}/} a few at a time (the ESI client's
 * error-limit gate bounds the process as a whole), keeping the order of the refs.
 */
public final class EsiKillmailReader {
  /** Reads in flight at once per job. */
  static final int PARALLELISM = 8;

  private final EsiClient esi;

  /** A reader over {@code esi}. */
  public EsiKillmailReader(EsiClient esi) {
    this.esi = esi;
  }

  /** Killmails from ESI refs (no zkb values). */
  public Future<List<EsiKillmail>> read(List<KillmailRef> refs) {
    return chunks(refs, ref -> esi.killmail(ref.killmailId(), ref.hash()));
  }

  /** Killmails from zKillboard refs, with their zkb values. */
  public Future<List<EsiKillmail>> readWithZkb(List<ZkbKillmailRef> refs) {
    return chunks(
        refs, ref -> esi.killmail(ref.killmailId(), ref.hash()).map(k -> k.withZkb(ref.zkb())));
  }

  private static <R> Future<List<EsiKillmail>> chunks(
      List<R> refs, Function<R, Future<EsiKillmail>> read) {
    List<EsiKillmail> out = new ArrayList<>(refs.size());
    return chunk(refs, 0, read, out).map(v -> out);
  }

  private static <R> Future<Void> chunk(
      List<R> refs, int from, Function<R, Future<EsiKillmail>> read, List<EsiKillmail> out) {
    if (from >= refs.size()) {
      return Future.succeededFuture();
    }
    List<Future<EsiKillmail>> reads =
        refs.subList(from, Math.min(refs.size(), from + PARALLELISM)).stream().map(read).toList();
    return Future.all(reads)
        .compose(
            done -> {
              reads.forEach(f -> out.add(f.result()));
              return chunk(refs, from + PARALLELISM, read, out);
            });
  }
}
