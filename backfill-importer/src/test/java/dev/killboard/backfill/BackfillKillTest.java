package dev.killboard.backfill;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.testing.ChildJvm;
import dev.killboard.testing.ClusterTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer as operators run it ({@code BackfillCommand} in its own JVM), killed with SIGKILL in
 * the middle of an archive: no shutdown hook, batches cut off mid-transaction. The next run resumes
 * from the stored cursor and the database ends with every killmail exactly once.
 */
@ClusterTest
class BackfillKillTest {
  private static final int KILLMAILS = 6_000;

  @TempDir Path dir;

  @BeforeEach
  void reset() throws Exception {
    BackfillHarness.get().reset();
  }

  @Test
  void aKilledImportResumesWithoutDuplicatesOrGaps() throws Exception {
    BackfillHarness h = BackfillHarness.get();
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < KILLMAILS; i++) {
      entries.put(
          "killmails/" + (BenchKillmails.FIRST_ID + i) + ".json",
          BenchKillmails.r2z2Entry(i).encode().getBytes(StandardCharsets.UTF_8));
    }
    Path archive = Archives.tarBz2(dir.resolve("killmails-2026-03-01.tar.bz2"), entries);

    // Small batches so that the import is still running when it is killed.
    ChildJvm child = launch(h, "--batch-size=5", archive.toString());
    try {
      // polling the database for the first committed batches; no event to wait on across JVMs
      eventually(
          Duration.ofSeconds(120),
          "the first committed batches",
          () -> h.count("SELECT count(*) FROM killmails") >= 200 || !child.alive());
      assertThat(child.alive())
          .as(() -> "the import was still running; its output:\n" + child.output())
          .isTrue();
    } finally {
      child.kill(); // SIGKILL
    }
    assertThat(child.alive()).isFalse();

    long storedBeforeKill = h.count("SELECT count(*) FROM killmails");
    long cursor =
        h.count(
            "SELECT coalesce(max(position), 0) FROM sync_cursors WHERE subject = 'killmails-2026-03-01.tar.bz2'");
    assertThat(storedBeforeKill)
        .as("killed mid-import")
        .isGreaterThanOrEqualTo(200)
        .isLessThan(KILLMAILS);
    // The cursor covers only committed work: every entry before it is stored (batches after it may
    // be too).
    assertThat(cursor).isLessThanOrEqualTo(storedBeforeKill);
    assertThat(
            h.count(
                "SELECT count(*) FROM killmails WHERE killmail_id < "
                    + (BenchKillmails.FIRST_ID + cursor)))
        .isEqualTo(cursor);
    assertThat(h.count("SELECT count(*) FROM sync_cursors WHERE completed_at IS NOT NULL"))
        .isZero();

    List<String> lines = new ArrayList<>();
    BackfillReport resumed =
        await(
            new BackfillImport(
                    h.vertx,
                    h.pool.pool(),
                    new BackfillSettings(List.of(archive), 50, 0, false),
                    lines::add,
                    0)
                .run());

    assertThat(lines).anyMatch(l -> l.contains("resuming after entry " + cursor));
    assertThat(resumed.stored() + storedBeforeKill)
        .as("each killmail stored once over both runs")
        .isEqualTo(KILLMAILS);
    assertThat(resumed.duplicates())
        .as("batches committed after the cursor are skipped as duplicates")
        .isEqualTo(storedBeforeKill - cursor);
    assertThat(h.longs("SELECT killmail_id FROM killmails ORDER BY killmail_id"))
        .containsExactlyElementsOf(
            LongStream.range(0, KILLMAILS).map(i -> BenchKillmails.FIRST_ID + i).boxed().toList());
    assertThat(h.count("SELECT count(*) FROM victims")).isEqualTo(KILLMAILS);
    assertThat(h.count("SELECT count(*) FROM attackers")).isEqualTo(5L * KILLMAILS);
    assertThat(h.count("SELECT count(*) FROM killmail_items")).isEqualTo(5L * KILLMAILS);
    assertThat(h.count("SELECT killmail_count_total()"))
        .as("counters exact after the kill")
        .isEqualTo(KILLMAILS);
    assertThat(h.count("SELECT count(*) FROM sync_cursors WHERE completed_at IS NOT NULL"))
        .isEqualTo(1);
  }

  /**
   * Starts {@code BackfillCommand} in a new JVM on this test's class path, in the harness's cluster
   * and database.
   */
  private static ChildJvm launch(BackfillHarness h, String... args) throws Exception {
    Map<String, String> env = new HashMap<>(h.env);
    env.put(BackfillVerticle.ENV_HASHES, "off");
    return ChildJvm.of(BackfillCommand.class)
        .jvmArgs("-XX:TieredStopAtLevel=1")
        .args(args)
        .withoutInherited("KILLBOARD_")
        .env(env)
        .start();
  }
}
