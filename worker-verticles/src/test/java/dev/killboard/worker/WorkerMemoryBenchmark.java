package dev.killboard.worker;

import dev.killboard.config.Env;
import dev.killboard.contracts.QueueNames;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.EmbeddedRedis;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.FakeUpstreams;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.queue.JobQueue;
import dev.killboard.queue.Priority;
import dev.killboard.queue.QueueSettings;
import dev.killboard.schema.SchemaMigrations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * RSS of one JVM running the original's eight production workers against the local fakes, under
 * work for a minute. Not a test: prints figures.
 *
 * <pre>
 * mvn -q -pl worker-verticles test-compile exec:java@memory [-Dexec.args="--seconds=60 --jvm-flags=..."]
 * </pre>
 */
public final class WorkerMemoryBenchmark {
  /** Heap and off-heap caps for a small worker JVM. */
  static final String DEFAULT_FLAGS =
      "-Xms64m -Xmx192m -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m"
          + " -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=64m -Xss512k -XX:+ExitOnOutOfMemoryError";

  private WorkerMemoryBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    int seconds = 60;
    String flags = DEFAULT_FLAGS;
    for (String a : args) {
      if (a.startsWith("--seconds=")) {
        seconds = Integer.parseInt(a.substring(10));
      } else if (a.startsWith("--jvm-flags=")) {
        flags = a.substring(12);
      } else {
        System.err.println(
            "usage: WorkerMemoryBenchmark [--seconds=60] [--jvm-flags='" + DEFAULT_FLAGS + "']");
        System.exit(2);
      }
    }
    Vertx vertx = Vertx.vertx();
    try (EmbeddedDatabase db = EmbeddedDatabase.start();
        EmbeddedRedis redis = EmbeddedRedis.start()) {
      SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
      FakeUniverse universe = FakeUniverse.generate(UniverseSpec.defaults());
      FakeUpstreams fakes =
          FakeUpstreams.start(vertx, new FakeUpstreams.Options().universe(universe))
              .await(60, TimeUnit.SECONDS);
      String cluster = "kb-mem-" + UUID.randomUUID().toString().substring(0, 8);
      int port = 18000 + ThreadLocalRandom.current().nextInt(1500) * 10;
      Map<String, String> env = new HashMap<>(fakes.environment());
      env.put("KILLBOARD_DB_HOST", db.host());
      env.put("KILLBOARD_DB_PORT", Integer.toString(db.port()));
      env.put("KILLBOARD_DB_NAME", db.database());
      env.put("KILLBOARD_DB_USER", db.appUser());
      env.put("KILLBOARD_DB_PASSWORD", db.appPassword());
      env.put("KILLBOARD_REDIS_URL", redis.uri());
      env.put("KILLBOARD_CLUSTER_NAME", cluster);
      env.put("KILLBOARD_CLUSTER_MEMBERS", "127.0.0.1:" + port);
      env.put("KILLBOARD_CLUSTER_PORT", Integer.toString(port));
      env.put("KILLBOARD_CP_MEMBERS", "0");
      env.put("KILLBOARD_R2Z2_NOT_FOUND_WAIT_MS", "500");
      // The user-killmail worker needs the token key; a fresh random one (never printed).
      byte[] tokenKey = new byte[32];
      new java.security.SecureRandom().nextBytes(tokenKey);
      env.put("KILLBOARD_TOKEN_KEY", Base64.getEncoder().encodeToString(tokenKey));
      env.put("KILLBOARD_ZKB_REQUESTS_PER_SECOND", "50");
      env.put("KILLBOARD_R2Z2_REQUESTS_PER_SECOND", "50");

      // Work for every queue the eight workers read, and a live R2Z2 feed.
      JobQueue queue =
          JobQueue.connect(vertx, Env.read(env, QueueSettings::from)).await(30, TimeUnit.SECONDS);
      int jobs = 0;
      jobs += enqueue(queue, QueueNames.ESI_CHARACTER_INFO, "characterId", universe.characterIds());
      jobs +=
          enqueue(
              queue, QueueNames.ESI_CORPORATION_INFO, "corporationId", universe.corporationIds());
      jobs += enqueue(queue, QueueNames.ESI_ALLIANCE_INFO, "allianceId", universe.allianceIds());
      jobs +=
          enqueue(
              queue, QueueNames.ESI_ALLIANCE_CORPORATIONS, "allianceId", universe.allianceIds());
      jobs += enqueue(queue, QueueNames.ESI_TYPE_INFO, "typeId", universe.typeIds());
      jobs +=
          enqueue(
              queue,
              QueueNames.ZKILLBOARD_CHARACTER,
              "characterId",
              universe
                  .playerCharacterIds()
                  .subList(0, Math.min(300, universe.playerCharacterIds().size())));
      long feed = vertx.setPeriodic(100, t -> fakes.r2z2().publishNew(1));

      List<String> cmd = new ArrayList<>();
      cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
      cmd.addAll(List.of(flags.trim().split("\\s+")));
      cmd.addAll(
          List.of(
              "-Djava.net.preferIPv4Stack=true",
              "-Dhazelcast.phone.home.enabled=false",
              "-Dlogback.configurationFile=" + quietLogback(),
              "-cp",
              classPath(),
              WorkersProcess.class.getName(),
              Integer.toString(seconds + 120)));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process child = pb.start();
      CompletableFuture<Long> ready = new CompletableFuture<>();
      List<String> output = Collections.synchronizedList(new ArrayList<>());
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    output.add(line);
                    if (line.startsWith("READY ")) {
                      ready.complete(Long.parseLong(line.substring(6).trim()));
                    }
                  }
                } catch (Exception ignored) {
                  // child gone
                }
                ready.completeExceptionally(
                    new IllegalStateException(
                        "worker JVM exited before it was ready:\n"
                            + String.join(
                                "\n",
                                output.subList(Math.max(0, output.size() - 40), output.size()))));
              },
              "workers-output");
      reader.setDaemon(true);
      reader.start();
      try {
        long startedAt = System.nanoTime();
        try {
          ready.get(300, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          throw new IllegalStateException(
              "worker JVM not ready after 300 s:\n"
                  + String.join(
                      "\n", output.subList(Math.max(0, output.size() - 40), output.size())));
        }
        double startSeconds = (System.nanoTime() - startedAt) / 1e9;
        long pid = child.pid();
        long maxKb = 0;
        long sumKb = 0;
        int samples = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end && child.isAlive()) {
          long kb = rssKb(pid);
          maxKb = Math.max(maxKb, kb);
          sumKb += kb;
          samples++;
          Thread.sleep(200);
        }
        if (!child.isAlive()) {
          throw new IllegalStateException(
              "worker JVM died during the run:\n" + String.join("\n", output));
        }
        long remaining = 0;
        for (String q :
            List.of(
                QueueNames.ESI_CHARACTER_INFO,
                QueueNames.ESI_CORPORATION_INFO,
                QueueNames.ESI_ALLIANCE_INFO,
                QueueNames.ESI_ALLIANCE_CORPORATIONS,
                QueueNames.ESI_TYPE_INFO,
                QueueNames.ZKILLBOARD_CHARACTER)) {
          remaining += queue.depth(q).await(10, TimeUnit.SECONDS).total();
        }
        System.out.println();
        System.out.printf(
            Locale.ROOT,
            "Eight production workers in one JVM (%s), %d s under load:%n",
            String.join(", ", WorkersProcess.PRODUCTION_WORKERS),
            seconds);
        System.out.printf(Locale.ROOT, "  JVM flags: %s%n", flags);
        System.out.printf(Locale.ROOT, "  start to all deployed: %.1f s%n", startSeconds);
        System.out.printf(
            Locale.ROOT,
            "  VmRSS max %.1f MiB, mean %.1f MiB (%d samples every 200 ms)%n",
            maxKb / 1024.0,
            sumKb / 1024.0 / Math.max(1, samples),
            samples);
        System.out.printf(
            Locale.ROOT,
            "  work done: %d of %d queued jobs processed (incl. fan-out), %s%n",
            jobs - Math.min(jobs, remaining),
            jobs,
            counts(db));
      } finally {
        vertx.cancelTimer(feed);
        child.destroy();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
        queue.close().await(10, TimeUnit.SECONDS);
        fakes.close().await(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private static int enqueue(JobQueue queue, String name, String field, List<Long> ids)
      throws Exception {
    List<JsonObject> payloads =
        ids.stream().map(id -> new JsonObject().put(field, id)).collect(Collectors.toList());
    queue.enqueueAll(name, payloads, Priority.NORMAL).await(60, TimeUnit.SECONDS);
    return payloads.size();
  }

  private static String counts(EmbeddedDatabase db) throws Exception {
    try (Connection c = db.superuserConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM characters), (SELECT count(*) FROM corporations),"
                    + " (SELECT count(*) FROM alliances), (SELECT count(*) FROM types), (SELECT count(*) FROM killmails)")) {
      rs.next();
      return String.format(
          Locale.ROOT,
          "rows: %d characters, %d corporations, %d alliances, %d types, %d killmails",
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(3),
          rs.getLong(4),
          rs.getLong(5));
    }
  }

  /** VmRSS of a process, in KiB, from /proc. */
  static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  /**
   * The classpath of this run (exec:java builds a class loader of its own; java.class.path is
   * Maven's).
   */
  private static String classPath() {
    List<String> parts = new ArrayList<>();
    ClassLoader cl = WorkerMemoryBenchmark.class.getClassLoader();
    while (cl != null) {
      if (cl instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          try {
            parts.add(Path.of(url.toURI()).toString());
          } catch (Exception e) {
            parts.add(url.getPath());
          }
        }
      }
      cl = cl.getParent();
    }
    return parts.isEmpty()
        ? System.getProperty("java.class.path")
        : String.join(File.pathSeparator, parts);
  }

  /** Workers log at WARN in the measured JVM: the figure is memory, not log volume. */
  private static String quietLogback() throws Exception {
    Path f = Files.createTempFile("kb-workers-logback", ".xml");
    f.toFile().deleteOnExit();
    Files.writeString(
        f,
        "<configuration><appender name=\"O\" class=\"ch.qos.logback.core.ConsoleAppender\"><encoder>"
            + "<pattern>%d{HH:mm:ss} %-5level %logger{20} - %msg%n</pattern></encoder></appender>"
            + "<root level=\"WARN\"><appender-ref ref=\"O\"/></root></configuration>");
    return f.toString();
  }
}
