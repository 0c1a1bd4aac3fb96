package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.cluster.ClusterSettings;
import dev.killboard.config.Env;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.EmbeddedRedis;
import dev.killboard.fake.FakeUpstreams;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The distribution unpacked and ready to start as an operator would, with what it runs against:
 * PostgreSQL configured like production (25 connections, 3 reserved, a non-superuser role), Redis
 * with AOF and the fake upstreams, all in this JVM. Processes started here see the installation's
 * lib/ only, never this test's class path.
 */
final class PackagedCluster implements AutoCloseable {
  static final Duration START = Duration.ofSeconds(180);

  private final Path home;
  private final Path logs;
  private final EmbeddedDatabase db;
  private final EmbeddedRedis redis;
  private final Vertx vertx;
  private final FakeUpstreams fakes;
  private final List<Integer> clusterPorts;
  private final int httpPort;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<PackagedProcess> processes = new ArrayList<>();
  private final NetworkHosts net;
  private int nextPort;

  private PackagedCluster(
      Path home,
      Path logs,
      EmbeddedDatabase db,
      EmbeddedRedis redis,
      Vertx vertx,
      FakeUpstreams fakes,
      List<Integer> ports,
      String name) {
    this(home, logs, db, redis, vertx, fakes, ports, name, null);
  }

  private PackagedCluster(
      Path home,
      Path logs,
      EmbeddedDatabase db,
      EmbeddedRedis redis,
      Vertx vertx,
      FakeUpstreams fakes,
      List<Integer> ports,
      String name,
      NetworkHosts net) {
    this.net = net;
    this.home = home;
    this.logs = logs;
    this.db = db;
    this.redis = redis;
    this.vertx = vertx;
    this.fakes = fakes;
    this.clusterPorts = ports.subList(1, ports.size());
    this.httpPort = ports.get(0);
    // The database as an operator pastes it: one URL with the password and sslmode in it.
    env.put(
        "DATABASE_URL",
        "postgresql://"
            + encode(db.appUser())
            + ":"
            + encode(db.appPassword())
            + "@"
            + db.host()
            + ":"
            + db.port()
            + "/"
            + db.database()
            + "?sslmode=disable");
    env.put("KILLBOARD_REDIS_URL", redis.uri());
    env.put("KILLBOARD_HTTP_PORT", Integer.toString(httpPort));
    env.put("KILLBOARD_TOKEN_KEY", randomKey());
    env.putAll(fakes.environment());
    // Unsafe mode unless a test asks for CP mode; a cluster of our own on loopback: other builds
    // never join it.
    env.put("KILLBOARD_CP_MEMBERS", "0");
    env.put("KILLBOARD_CLUSTER_NAME", "kb-" + name + "-" + UUID.randomUUID());
    env.put(
        "KILLBOARD_CLUSTER_MEMBERS",
        String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList()));
    env.put("KILLBOARD_HEAP", "256m");
    // The load generators of the tests are one address: no per-client rate limit in their way.
    env.put("KILLBOARD_RATE_LIMIT_CAPACITY", "1000000000");
    env.put("KILLBOARD_RATE_LIMIT_PER_SECOND", "1000000000");
    if (net != null) {
      // Every host reaches the services at the bridge's address; each member binds and announces
      // its own address.
      String services = net.servicesAddress();
      env.put(
          "DATABASE_URL",
          "postgresql://"
              + encode(db.appUser())
              + ":"
              + encode(db.appPassword())
              + "@"
              + services
              + ":"
              + db.port()
              + "/"
              + db.database()
              + "?sslmode=disable");
      env.put("KILLBOARD_REDIS_URL", redis.uri(services));
      env.put(
          "KILLBOARD_CLUSTER_MEMBERS",
          String.join(
              ",",
              net.hosts().stream()
                  .map(h -> h.address() + ":" + ClusterSettings.DEFAULT_PORT)
                  .toList()));
    }
  }

  /**
   * Unpacks the tar.gz that {@code mvn package} built and starts the services; {@code members}
   * cluster ports.
   */
  static PackagedCluster start(String name, int members) throws Exception {
    Path home = unpack(name);
    Path logs = Files.createDirectories(home.getParent().resolve("logs"));
    EmbeddedDatabase db = EmbeddedDatabase.start();
    // AOF, synced before each write is acknowledged: a kill -9 of Redis loses no job it accepted
    // (docs/chaos.md).
    EmbeddedRedis redis =
        EmbeddedRedis.start(EmbeddedRedis.Options.defaults().appendOnly(true).fsyncAlways(true));
    Vertx vertx = Vertx.vertx();
    FakeUpstreams fakes = FakeUpstreams.start(vertx).await(60, TimeUnit.SECONDS);
    return new PackagedCluster(home, logs, db, redis, vertx, fakes, freePorts(members + 1), name);
  }

  /**
   * Unpacks the tar.gz that {@code mvn package} built into a directory of its own; its installation
   * directory.
   */
  private static Path unpack(String name) throws Exception {
    Path tarball = Path.of(System.getProperty("killboard.distribution", "target/killboard.tar.gz"));
    assertThat(tarball).as("the distribution built by mvn package").exists();
    Path dir = Path.of("target", name + "-" + UUID.randomUUID()).toAbsolutePath();
    Files.createDirectories(dir);
    Process tar =
        new ProcessBuilder("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", dir.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes())).isZero();
    try (Stream<Path> top = Files.list(dir)) {
      return top.filter(Files::isDirectory).findFirst().orElseThrow();
    }
  }

  /**
   * Like {@link #start(String, int)}, but the services listen on {@code net}'s bridge address too
   * (PostgreSQL lets the hosts' subnet in, Redis and the fake upstreams bind it), and members run
   * on {@code net}'s hosts.
   */
  static PackagedCluster startOn(String name, NetworkHosts net) throws Exception {
    Path home = unpack(name);
    Path logs = Files.createDirectories(home.getParent().resolve("logs"));
    EmbeddedDatabase db =
        EmbeddedDatabase.start(
            EmbeddedDatabase.Options.defaults().alsoListenOn(net.servicesAddress(), net.subnet()));
    EmbeddedRedis redis =
        EmbeddedRedis.start(
            EmbeddedRedis.Options.defaults()
                .appendOnly(true)
                .fsyncAlways(true)
                .alsoBind(net.servicesAddress()));
    Vertx vertx = Vertx.vertx();
    FakeUpstreams fakes =
        FakeUpstreams.start(vertx, new FakeUpstreams.Options().host(net.servicesAddress()))
            .await(60, TimeUnit.SECONDS);
    return new PackagedCluster(home, logs, db, redis, vertx, fakes, freePorts(2), name, net);
  }

  /**
   * Starts {@code bin/killboard args} inside {@code host}'s namespace as a member bound to the
   * host's address, with the common environment plus {@code extra}.
   */
  PackagedProcess startOn(
      NetworkHosts.Host host, String name, Map<String, String> extra, String... args)
      throws IOException {
    Map<String, String> own = new LinkedHashMap<>(env);
    own.put("KILLBOARD_CLUSTER_HOST", host.address());
    own.put("KILLBOARD_CLUSTER_PORT", Integer.toString(ClusterSettings.DEFAULT_PORT));
    own.putAll(extra);
    return track(PackagedProcess.start(home, name, own, logs, net.inside(host, List.of()), args));
  }

  /**
   * Starts {@code bin/killboard args} as the next cluster member, with the common environment plus
   * {@code extra}.
   */
  PackagedProcess start(String name, Map<String, String> extra, String... args) throws IOException {
    Map<String, String> own = new LinkedHashMap<>(env);
    own.putAll(extra);
    own.put(
        "KILLBOARD_CLUSTER_PORT",
        Integer.toString(clusterPorts.get(nextPort++ % clusterPorts.size())));
    return track(PackagedProcess.start(home, name, own, logs, args));
  }

  /**
   * Starts {@code bin/killboard args} outside the cluster's member ports (a client command such as
   * budget status).
   */
  PackagedProcess run(String name, Map<String, String> extra, String... args) throws IOException {
    Map<String, String> own = new LinkedHashMap<>(env);
    own.putAll(extra);
    return track(PackagedProcess.start(home, name, own, logs, args));
  }

  private synchronized PackagedProcess track(PackagedProcess p) {
    processes.add(p);
    return p;
  }

  static void awaitDeployed(PackagedProcess p, String verticle) throws InterruptedException {
    p.awaitLine(
        Pattern.compile("Killboard verticle " + Pattern.quote(verticle) + " deployed"), START);
  }

  /** The cluster settings a client of this cluster needs, with {@code extra} applied. */
  ClusterSettings settings(Map<String, String> extra) {
    Map<String, String> own = new LinkedHashMap<>(env);
    own.putAll(extra);
    return Env.read(own, ClusterSettings::from).validate();
  }

  /** The cluster address of the first member started (the ports are handed out in order). */
  String firstMemberAddress() {
    return "127.0.0.1:" + clusterPorts.get(0);
  }

  Map<String, String> env() {
    return env;
  }

  Path home() {
    return home;
  }

  Path logs() {
    return logs;
  }

  EmbeddedDatabase db() {
    return db;
  }

  EmbeddedRedis redis() {
    return redis;
  }

  FakeUpstreams fakes() {
    return fakes;
  }

  /**
   * The API's GraphQL URL: on loopback, or with hosts on the first host's address (reached from
   * this namespace).
   */
  String graphqlUrl() {
    return "http://"
        + (net == null ? "127.0.0.1" : net.host(1).address())
        + ":"
        + httpPort
        + "/graphql";
  }

  synchronized List<PackagedProcess> processes() {
    return List.copyOf(processes);
  }

  @Override
  public void close() throws Exception {
    processes().forEach(PackagedProcess::close);
    for (PackagedProcess p : processes()) {
      p.awaitExit(Duration.ofSeconds(10));
    }
    fakes.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    redis.close();
    db.close();
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /**
   * Free loopback ports, held open together so they are distinct, then released for the processes
   * to bind.
   */
  private static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
