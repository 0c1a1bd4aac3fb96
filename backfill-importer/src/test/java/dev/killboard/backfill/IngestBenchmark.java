package dev.killboard.backfill;

import dev.killboard.budget.BudgetSettings;
import dev.killboard.budget.BudgetedPool;
import dev.killboard.budget.ConnectionBudget;
import dev.killboard.budget.DatabaseSettings;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.cluster.ClusteredVertx;
import dev.killboard.config.Env;
import dev.killboard.config.Secret;
import dev.killboard.contracts.EsiKillmail;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.schema.SchemaMigrations;
import dev.killboard.store.KillmailIngest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Ingest rate of one worker instance (a 2-connection budgeted pool) on embedded PostgreSQL
 * configured like production, next to PostgreSQL's own COPY of the same rows. Not a test: prints
 * figures.
 *
 * <pre>
 * mvn -q -pl backfill-importer exec:java@ingest [-Dexec.args="--killmails=50000 --batch-size=2000"]
 * </pre>
 */
public final class IngestBenchmark {
  private IngestBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    int count = 50_000;
    int batchSize = 2000; // KILLBOARD_BACKFILL_BATCH_SIZE's default
    for (String a : args) {
      if (a.startsWith("--killmails=")) {
        count = Integer.parseInt(a.substring(12));
      } else if (a.startsWith("--batch-size=")) {
        batchSize = Integer.parseInt(a.substring(13));
      } else {
        System.err.println("usage: IngestBenchmark [--killmails=50000] [--batch-size=2000]");
        System.exit(2);
      }
    }
    Path tmp = Files.createTempDirectory("kb-ingest-bench");
    try (EmbeddedDatabase db = EmbeddedDatabase.start()) {
      SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
      System.out.printf(
          Locale.ROOT,
          "Generating %,d R2Z2-shaped killmails (5 attackers, 5 item rows each)...%n",
          count);
      List<byte[]> entries = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        entries.add(BenchKillmails.r2z2Entry(i).encode().getBytes(StandardCharsets.UTF_8));
      }
      long rawBytes = entries.stream().mapToLong(b -> b.length).sum();
      int perArchive = 10_000;
      List<Path> archives = new ArrayList<>();
      for (int from = 0, day = 1; from < count; from += perArchive, day++) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = from; i < Math.min(count, from + perArchive); i++) {
          m.put("killmails/" + (BenchKillmails.FIRST_ID + i) + ".json", entries.get(i));
        }
        archives.add(
            Archives.tarBz2(tmp.resolve(String.format("killmails-2026-03-%02d.tar.bz2", day)), m));
      }
      long compressed = 0;
      for (Path p : archives) {
        compressed += Files.size(p);
      }
      System.out.printf(
          Locale.ROOT,
          "  %d archives, %.1f MB JSON, %.1f MB bzip2%n",
          archives.size(),
          rawBytes / 1e6,
          compressed / 1e6);

      String name = "kb-bench-" + UUID.randomUUID().toString().substring(0, 8);
      int port = 16000 + ThreadLocalRandom.current().nextInt(2000) * 10;
      Vertx vertx =
          ClusteredVertx.start(
                  Env.read(
                      Map.of(
                          ClusterSettings.ENV_CLUSTER_NAME,
                          name,
                          ClusterSettings.ENV_PORT,
                          Integer.toString(port),
                          ClusterSettings.ENV_MEMBERS,
                          "127.0.0.1:" + port),
                      ClusterSettings::from),
                  new VertxOptions())
              .await(90, TimeUnit.SECONDS);
      try {
        DatabaseSettings database =
            new DatabaseSettings(
                db.host(),
                db.port(),
                db.database(),
                db.appUser(),
                new Secret(db.appPassword()),
                io.vertx.pgclient.SslMode.DISABLE,
                false,
                null,
                Duration.ofSeconds(300));
        ConnectionBudget budget =
            ConnectionBudget.forVertx(vertx, BudgetSettings.defaults(database))
                .await(60, TimeUnit.SECONDS);
        BudgetedPool pool = budget.openWorkerPool("backfill#bench").await(60, TimeUnit.SECONDS);
        System.out.printf(
            Locale.ROOT,
            "Pool: %s, max %d connections (worker class)%n",
            pool.owner(),
            pool.profile().maxSize());

        // Warm-up (JIT, prepared statements): the first archive, then empty the tables.
        new BackfillImport(
                vertx,
                pool.pool(),
                new BackfillSettings(List.of(archives.get(0)), batchSize, 0, false),
                l -> {},
                60_000)
            .run()
            .await(600, TimeUnit.SECONDS);
        truncate(db);

        long t0 = System.nanoTime();
        long parsed = 0;
        for (Path p : archives) {
          try (ArchiveReader r =
              ArchiveReader.open(
                  new SourceFile(p, SourceFile.Kind.TAR_BZ2, p.getFileName().toString()))) {
            ArchiveEntry e;
            while ((e = r.next()) != null) {
              KillmailParser.parse(e);
              parsed++;
            }
          }
        }
        double readRate = parsed / ((System.nanoTime() - t0) / 1e9);

        BackfillReport archive =
            new BackfillImport(
                    vertx,
                    pool.pool(),
                    new BackfillSettings(archives, batchSize, 0, false),
                    l -> {},
                    60_000)
                .run()
                .await(1800, TimeUnit.SECONDS);
        check(db, count, "archive import");
        truncate(db);

        double memoryRate = inMemory(vertx, pool, entries, batchSize);
        check(db, count, "in-memory R2Z2 source");
        truncate(db);

        double copyRate =
            budget
                .withPermit("worker", "backfill#copy-bench", () -> copy(db, entries, false))
                .await(1800, TimeUnit.SECONDS);
        check(db, count, "COPY");
        truncate(db);
        // Profile: the same COPY with triggers and foreign keys off (superuser,
        // session_replication_role = replica)
        // shows what the schema's involvement and counter triggers cost per killmail.
        double bareCopyRate = copy(db, entries, true);

        System.out.println();
        System.out.printf(
            Locale.ROOT,
            "Ingest of %,d killmails (5 attackers, 5 items), batch %d, one instance, 2"
                + " connections:%n",
            count,
            batchSize);
        System.out.printf(
            Locale.ROOT,
            "  archive reader alone (bzip2 + JSON parse, 1 thread): %,8.0f killmails/s%n",
            readRate);
        System.out.printf(
            Locale.ROOT,
            "  backfill from .tar.bz2 archives (end to end):        %,8.0f killmails/s%n",
            archive.killmailsPerSecond());
        System.out.printf(
            Locale.ROOT,
            "  KillmailIngest from an in-memory R2Z2-shaped source: %,8.0f killmails/s%n",
            memoryRate);
        System.out.printf(
            Locale.ROOT,
            "  PostgreSQL COPY of the same rows (1 connection):      %,8.0f killmails/s%n",
            copyRate);
        System.out.printf(
            Locale.ROOT,
            "  COPY with triggers and FKs off (profile only):        %,8.0f killmails/s%n",
            bareCopyRate);
        System.out.printf(Locale.ROOT, "  ingest / COPY: %.2f%n", memoryRate / copyRate);
        pool.close().await(60, TimeUnit.SECONDS);
      } finally {
        vertx.close().await(60, TimeUnit.SECONDS);
      }
    } finally {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0);
  }

  /**
   * Parses on worker threads and writes through KillmailIngest with two transactions in flight (one
   * per connection).
   */
  private static double inMemory(
      Vertx vertx, BudgetedPool pool, List<byte[]> entries, int batchSize) throws Exception {
    KillmailIngest ingest = new KillmailIngest();
    long t0 = System.nanoTime();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < 2; lane++) {
      lanes.add(lane(vertx, pool, ingest, entries, batchSize, lane * batchSize));
    }
    Future.all(lanes).await(1800, TimeUnit.SECONDS);
    return entries.size() / ((System.nanoTime() - t0) / 1e9);
  }

  private static Future<Void> lane(
      Vertx vertx,
      BudgetedPool pool,
      KillmailIngest ingest,
      List<byte[]> entries,
      int batchSize,
      int from) {
    if (from >= entries.size()) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(
            () -> {
              List<EsiKillmail> batch = new ArrayList<>(batchSize);
              for (int i = from; i < Math.min(entries.size(), from + batchSize); i++) {
                batch.add(
                    KillmailParser.parse(new ArchiveEntry(i, "r2z2/" + i, entries.get(i), null)));
              }
              return batch;
            },
            false)
        .compose(batch -> pool.pool().withTransaction(tx -> ingest.write(tx, batch)))
        .compose(ids -> lane(vertx, pool, ingest, entries, batchSize, from + 2 * batchSize));
  }

  /**
   * COPY of the same rows into the same tables, 5,000 killmails per transaction; CSV built
   * beforehand.
   */
  private static double copy(EmbeddedDatabase db, List<byte[]> entries, boolean bare)
      throws Exception {
    int per = 5_000;
    List<String[]> chunks = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += per) {
      StringBuilder km = new StringBuilder();
      StringBuilder vi = new StringBuilder();
      StringBuilder at = new StringBuilder();
      StringBuilder it = new StringBuilder();
      for (int i = from; i < Math.min(entries.size(), from + per); i++) {
        csv(new JsonObject(io.vertx.core.buffer.Buffer.buffer(entries.get(i))), km, vi, at, it);
      }
      chunks.add(new String[] {km.toString(), vi.toString(), at.toString(), it.toString()});
    }
    try (Connection c =
        bare
            ? db.superuserConnection()
            : DriverManager.getConnection(db.appJdbcUrl(), db.appUser(), db.appPassword())) {
      if (bare) {
        try (Statement s = c.createStatement()) {
          s.execute("SET session_replication_role = replica");
        }
      }
      c.setAutoCommit(false);
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      long t0 = System.nanoTime();
      for (String[] chunk : chunks) {
        copy.copyIn(
            "COPY killmails (killmail_id, killmail_hash, killmail_time, solar_system_id, location_id,"
                + " total_value, fitted_value, destroyed_value, dropped_value, points, npc, solo, awox, labels)"
                + " FROM STDIN (FORMAT csv)",
            new java.io.StringReader(chunk[0]));
        copy.copyIn(
            "COPY victims (killmail_id, character_id, corporation_id, alliance_id, ship_type_id, damage_taken,"
                + " position_x, position_y, position_z) FROM STDIN (FORMAT csv)",
            new java.io.StringReader(chunk[1]));
        copy.copyIn(
            "COPY attackers (killmail_id, attacker_no, character_id, corporation_id, alliance_id, ship_type_id,"
                + " weapon_type_id, damage_done, final_blow, security_status) FROM STDIN (FORMAT csv)",
            new java.io.StringReader(chunk[2]));
        copy.copyIn(
            "COPY killmail_items (killmail_id, item_no, parent_item_no, item_type_id, flag, quantity_dropped,"
                + " quantity_destroyed, singleton) FROM STDIN (FORMAT csv)",
            new java.io.StringReader(chunk[3]));
        c.commit();
      }
      return entries.size() / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static void csv(
      JsonObject entry, StringBuilder km, StringBuilder vi, StringBuilder at, StringBuilder it) {
    JsonObject esi = entry.getJsonObject("esi");
    JsonObject zkb = entry.getJsonObject("zkb");
    long id = entry.getLong("killmail_id");
    JsonArray labels = zkb.getJsonArray("labels");
    StringBuilder l = new StringBuilder("{");
    for (int i = 0; i < labels.size(); i++) {
      l.append(i > 0 ? "," : "").append('"').append(labels.getString(i)).append('"');
    }
    l.append('}');
    km.append(id)
        .append(',')
        .append(entry.getString("hash"))
        .append(',')
        .append(esi.getString("killmail_time"))
        .append(',')
        .append(esi.getLong("solar_system_id"))
        .append(',')
        .append(zkb.getLong("locationID"))
        .append(',')
        .append(zkb.getDouble("totalValue"))
        .append(',')
        .append(zkb.getDouble("fittedValue"))
        .append(',')
        .append(zkb.getDouble("destroyedValue"))
        .append(',')
        .append(zkb.getDouble("droppedValue"))
        .append(',')
        .append(zkb.getInteger("points"))
        .append(',')
        .append(zkb.getBoolean("npc"))
        .append(',')
        .append(zkb.getBoolean("solo"))
        .append(',')
        .append(zkb.getBoolean("awox"))
        .append(",\"")
        .append(l.toString().replace("\"", "\"\""))
        .append("\"\n");
    JsonObject v = esi.getJsonObject("victim");
    JsonObject pos = v.getJsonObject("position");
    vi.append(id)
        .append(',')
        .append(v.getLong("character_id"))
        .append(',')
        .append(v.getLong("corporation_id"))
        .append(',')
        .append(v.getLong("alliance_id"))
        .append(',')
        .append(v.getLong("ship_type_id"))
        .append(',')
        .append(v.getLong("damage_taken"))
        .append(',')
        .append(pos.getDouble("x"))
        .append(',')
        .append(pos.getDouble("y"))
        .append(',')
        .append(pos.getDouble("z"))
        .append('\n');
    JsonArray attackers = esi.getJsonArray("attackers");
    for (int i = 0; i < attackers.size(); i++) {
      JsonObject a = attackers.getJsonObject(i);
      at.append(id)
          .append(',')
          .append(i)
          .append(',')
          .append(a.getLong("character_id"))
          .append(',')
          .append(a.getLong("corporation_id"))
          .append(',')
          .append(a.getLong("alliance_id"))
          .append(',')
          .append(a.getLong("ship_type_id"))
          .append(',')
          .append(a.getLong("weapon_type_id"))
          .append(',')
          .append(a.getLong("damage_done"))
          .append(',')
          .append(a.getBoolean("final_blow"))
          .append(',')
          .append(a.getDouble("security_status"))
          .append('\n');
    }
    int[] next = {0};
    items(id, v.getJsonArray("items"), null, next, it);
  }

  private static void items(
      long id, JsonArray items, Integer parent, int[] next, StringBuilder it) {
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      int no = next[0]++;
      it.append(id)
          .append(',')
          .append(no)
          .append(',')
          .append(parent == null ? "" : parent)
          .append(',')
          .append(item.getLong("item_type_id"))
          .append(',')
          .append(item.getLong("flag"))
          .append(',')
          .append(item.getLong("quantity_dropped") == null ? "" : item.getLong("quantity_dropped"))
          .append(',')
          .append(
              item.getLong("quantity_destroyed") == null ? "" : item.getLong("quantity_destroyed"))
          .append(',')
          .append(item.getLong("singleton"))
          .append('\n');
      if (item.getJsonArray("items") != null) {
        items(id, item.getJsonArray("items"), no, next, it);
      }
    }
  }

  private static void truncate(EmbeddedDatabase db) throws Exception {
    try (Connection c = db.superuserConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE killmails, sync_cursors CASCADE");
      s.execute("VACUUM ANALYZE");
    }
  }

  private static void check(EmbeddedDatabase db, int count, String what) throws Exception {
    try (Connection c = db.superuserConnection();
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM killmails), (SELECT count(*) FROM attackers),"
                    + " (SELECT count(*) FROM killmail_items)")) {
      rs.next();
      if (rs.getLong(1) != count || rs.getLong(2) != count * 5L || rs.getLong(3) != count * 5L) {
        throw new IllegalStateException(
            what
                + " stored "
                + rs.getLong(1)
                + " killmails, "
                + rs.getLong(2)
                + " attackers, "
                + rs.getLong(3)
                + " items; expected "
                + count
                + ", "
                + count * 5
                + ", "
                + count * 5);
      }
    }
  }
}
