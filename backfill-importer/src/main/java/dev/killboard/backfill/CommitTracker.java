package dev.killboard.backfill;

import java.util.TreeMap;

/**
 * Which batches of one file have committed, so each batch writes a cursor position that is never
 * ahead of the data: up to two batches are in flight on the pool's two connections and may commit
 * in either order. A batch may claim its own end only when every earlier batch has committed;
 * otherwise it claims the end of the committed prefix. A crash therefore re-reads at most the
 * batches that were in flight, which are then skipped as duplicates.
 */
final class CommitTracker {
  private final TreeMap<Long, long[]> open = new TreeMap<>();
  private long prefixEnd;

  /** Starts at a resumed position (entries before it are done). */
  CommitTracker(long start) {
    this.prefixEnd = start;
  }

  /** Registers batch {@code seq} covering entries [start, end). Batches are registered in order. */
  synchronized void register(long seq, long start, long end) {
    open.put(seq, new long[] {start, end, 0});
  }

  /** The position batch {@code seq} may write in its own transaction. */
  synchronized long positionFor(long seq) {
    long[] batch = open.get(seq);
    boolean earlierOpen = open.headMap(seq, false).values().stream().anyMatch(b -> b[2] == 0);
    return earlierOpen || batch == null ? prefixEnd : Math.max(prefixEnd, batch[1]);
  }

  /** Batch {@code seq} committed. */
  synchronized void committed(long seq) {
    long[] batch = open.get(seq);
    if (batch != null) {
      batch[2] = 1;
    }
    while (!open.isEmpty() && open.firstEntry().getValue()[2] == 1) {
      prefixEnd = Math.max(prefixEnd, open.pollFirstEntry().getValue()[1]);
    }
  }

  /** The end of the contiguous committed prefix. */
  synchronized long prefixEnd() {
    return prefixEnd;
  }
}
