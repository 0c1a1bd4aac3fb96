package dev.killboard.backfill;

import static dev.killboard.backfill.BackfillHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer as operators run it ({@code BackfillCommand} in its own JVM), killed with SIGKILL in the middle of an
 * archive: no shutdown hook, batches cut off mid-transaction. The next run resumes from the stored cursor and the
 * database ends with every killmail exactly once.
 */
class BackfillKillTest {
  private static final int KILLMAILS = 6_000;

  @TempDir
  Path dir;

  @BeforeEach
  void reset() throws Exception {
    BackfillHarness.get().reset();
  }

  @Test
  void aKilledImportResumesWithoutDuplicatesOrGaps() throws Exception {
    BackfillHarness h = BackfillHarness.get();
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < KILLMAILS; i++) {
      entries.put("killmails/" + (BenchKillmails.FIRST_ID + i) + ".json",
          BenchKillmails.r2z2Entry(i).encode().getBytes(StandardCharsets.UTF_8));
    }
    Path archive = Archives.tarBz2(dir.resolve("killmails-2026-03-01.tar.bz2"), entries);
    Path log = dir.resolve("child.log");

    // Small batches so that the import is still running when it is killed.
    Process child = launch(h, log, "--batch-size=5", archive.toString());
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (h.count("SELECT count(*) FROM killmails") < 200 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20); // polling the database for the first committed batches; no event to wait on across JVMs
      }
      assertThat(child.isAlive()).as(() -> "the import was still running; its output:\n" + read(log)).isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    long storedBeforeKill = h.count("SELECT count(*) FROM killmails");
    long cursor = h.count("SELECT coalesce(max(position), 0) FROM sync_cursors WHERE subject = 'killmails-2026-03-01.tar.bz2'");
    assertThat(storedBeforeKill).as("killed mid-import").isGreaterThanOrEqualTo(200).isLessThan(KILLMAILS);
    // The cursor covers only committed work: every entry before it is stored (batches after it may be too).
    assertThat(cursor).isLessThanOrEqualTo(storedBeforeKill);
    assertThat(h.count("SELECT count(*) FROM killmails WHERE killmail_id < " + (BenchKillmails.FIRST_ID + cursor)))
        .isEqualTo(cursor);
    assertThat(h.count("SELECT count(*) FROM sync_cursors WHERE completed_at IS NOT NULL")).isZero();

    List<String> lines = new ArrayList<>();
    BackfillReport resumed = await(new BackfillImport(h.vertx, h.pool.pool(),
        new BackfillSettings(List.of(archive), 50, 0, false), lines::add, 0).run());

    assertThat(lines).anyMatch(l -> l.contains("resuming after entry " + cursor));
    assertThat(resumed.stored() + storedBeforeKill).as("each killmail stored once over both runs").isEqualTo(KILLMAILS);
    assertThat(resumed.duplicates()).as("batches committed after the cursor are skipped as duplicates")
        .isEqualTo(storedBeforeKill - cursor);
    assertThat(h.longs("SELECT killmail_id FROM killmails ORDER BY killmail_id"))
        .containsExactlyElementsOf(LongStream.range(0, KILLMAILS).map(i -> BenchKillmails.FIRST_ID + i).boxed().toList());
    assertThat(h.count("SELECT count(*) FROM victims")).isEqualTo(KILLMAILS);
    assertThat(h.count("SELECT count(*) FROM attackers")).isEqualTo(5L * KILLMAILS);
    assertThat(h.count("SELECT count(*) FROM killmail_items")).isEqualTo(5L * KILLMAILS);
    assertThat(h.count("SELECT killmail_count_total()")).as("counters exact after the kill").isEqualTo(KILLMAILS);
    assertThat(h.count("SELECT count(*) FROM sync_cursors WHERE completed_at IS NOT NULL")).isEqualTo(1);
  }

  /** Starts {@code BackfillCommand} in a new JVM on this test's class path, in the harness's cluster and database. */
  private static Process launch(BackfillHarness h, Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
        "-cp", System.getProperty("java.class.path"), BackfillCommand.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().keySet().removeIf(k -> k.startsWith("KILLBOARD_"));
    builder.environment().putAll(h.env);
    builder.environment().put(BackfillVerticle.ENV_HASHES, "off");
    return builder.start();
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (Exception e) {
      return "<cannot read " + log + ": " + e + ">";
    }
  }
}
