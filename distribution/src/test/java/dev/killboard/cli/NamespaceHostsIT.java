package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The multi-host walk-through of docs/operations.md on one machine: three hosts in network
 * namespaces (own addresses, PostgreSQL, Redis and the fake upstreams on the bridge), the API on
 * host 1, {@code worker:production} on host 2, {@code worker:info-characters} on host 3, CP mode
 * across the three. The API answers, from host 1, with killmails the worker on host 2 stored and
 * names the worker on host 3 resolved; the cap holds; {@code killboard budget status} from outside
 * the hosts lists all three members. Skipped where namespaces cannot be created.
 */
class NamespaceHostsIT {
  private static NetworkHosts net;
  private static PackagedCluster cluster;
  private static ConnectionSampler sampler;

  @BeforeAll
  static void start() throws Exception {
    net = NetworkHosts.create(3);
    cluster = PackagedCluster.startOn("hosts", net);
    sampler = ConnectionSampler.start(cluster.db());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sampler != null) {
        sampler.close();
      }
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (net != null) {
        net.close();
      }
    }
  }

  @Test
  void threeHostsServeOneClusterWithinTheCap() throws Exception {
    Map<String, String> cp = new LinkedHashMap<>();
    cp.put("KILLBOARD_CP_MEMBERS", "3");
    cp.put("KILLBOARD_CP_SESSION_TTL_SECONDS", "10");
    cp.put("KILLBOARD_CP_HEARTBEAT_SECONDS", "2");
    NetworkHosts.Host h1 = net.host(1);
    NetworkHosts.Host h2 = net.host(2);
    NetworkHosts.Host h3 = net.host(3);
    // All three at once: CP mode forms once three members have joined, and the workers wait for the
    // schema.
    PackagedProcess api = cluster.startOn(h1, "host1-api", cp, "run", "api");
    PackagedProcess production =
        cluster.startOn(h2, "host2-production", cp, "run", "worker:production");
    PackagedProcess characters =
        cluster.startOn(
            h3, "host3-characters", cp, "run", "worker:info-characters", "-instances", "4");
    PackagedCluster.awaitDeployed(api, "dev.killboard.api.ApiVerticle");
    PackagedCluster.awaitDeployed(production, "worker:production");
    PackagedCluster.awaitDeployed(characters, "worker:info-characters");
    for (var p : Map.of(api, h1, production, h2, characters, h3).entrySet()) {
      // Each member bound and announced its own host's address, not loopback.
      p.getKey()
          .awaitLine(
              java.util.regex.Pattern.compile(
                  "this member " + java.util.regex.Pattern.quote(p.getValue().address()) + ":5701"),
              Duration.ZERO);
    }

    // Killmails from the R2Z2 feed: stored by the worker on host 2, their victims' names resolved
    // by the worker on
    // host 3, read through the API on host 1 from outside the hosts.
    cluster.fakes().r2z2().publishNew(5);
    JsonObject named = awaitNamedVictim(Duration.ofSeconds(120));
    long characterId = named.getJsonObject("victim").getLong("characterId");
    try (Connection c = cluster.db().superuserConnection();
        PreparedStatement ps = c.prepareStatement("SELECT name FROM characters WHERE id = ?")) {
      ps.setLong(1, characterId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("character %d stored by the info worker", characterId).isTrue();
        assertThat(named.getJsonObject("victim").getString("characterName"))
            .isEqualTo(rs.getString(1));
      }
    }

    // The budget as an operator asks for it, from outside the hosts: all three members, with their
    // addresses.
    try (PackagedProcess status = cluster.run("budget-status", Map.of(), "budget", "status")) {
      OptionalInt exit = status.awaitExit(Duration.ofSeconds(60));
      assertThat(exit).as(status.output()).isPresent();
      assertThat(exit.getAsInt()).as(status.output()).isZero();
      String out = status.output();
      assertThat(out).contains("3 member(s)");
      for (var p : Map.of(api, h1, production, h2, characters, h3).entrySet()) {
        assertThat(out).contains("[" + p.getValue().address() + "]:5701 pid " + p.getKey().pid());
      }
      assertThat(out)
          .containsPattern("api\\s+[1-5]/ 5 in use")
          .containsPattern("worker\\s+\\d+/16 in use");
    }

    // The cap, from PostgreSQL's side: the connections came from the hosts, and never more than the
    // budget allows.
    assertThat(sampler.clientAddresses())
        .as("client addresses of the application role's connections")
        .contains(h1.address(), h2.address(), h3.address())
        .doesNotContain("127.0.0.1");
    assertThat(sampler.max())
        .as("connections of the application role, sampled every 50 ms")
        .isLessThanOrEqualTo(21);
    assertThat(sampler.maxApi()).as("api class connections").isBetween(1, 5);
    assertThat(sampler.maxWorker()).as("worker class connections").isBetween(1, 16);
    for (PackagedProcess p : List.of(api, production, characters)) {
      assertThat(p.isAlive()).as("%s is running", p.name()).isTrue();
      assertThat(p.output())
          .as(p.name())
          .doesNotContain("53300")
          .doesNotContain("too many clients");
    }
    System.out.printf(
        "hosts: %s; max connections %d (api %d, worker %d) over %d samples; victim %d named '%s'%n",
        net.hosts(),
        sampler.max(),
        sampler.maxApi(),
        sampler.maxWorker(),
        sampler.samples(),
        characterId,
        named.getJsonObject("victim").getString("characterName"));
  }

  /**
   * A killmail whose victim has a name, polled through the API on host 1 (the feed has no event to
   * await here).
   */
  private static JsonObject awaitNamedVictim(Duration within) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String query =
        "{ killmails(filter: {limit: 20}) { edges { node { killmailId victim { characterId characterName } } } } }";
    long deadline = System.nanoTime() + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(cluster.graphqlUrl()))
                  .timeout(Duration.ofSeconds(10))
                  .header("content-type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          new JsonObject().put("query", query).encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      last = response.body();
      assertThat(response.statusCode()).as(last).isEqualTo(200);
      JsonObject answer = new JsonObject(last);
      assertThat(answer.containsKey("errors")).as(last).isFalse();
      JsonArray edges =
          answer.getJsonObject("data").getJsonObject("killmails").getJsonArray("edges");
      for (int i = 0; i < edges.size(); i++) {
        JsonObject node = edges.getJsonObject(i).getJsonObject("node");
        JsonObject victim = node.getJsonObject("victim");
        if (victim != null
            && victim.getValue("characterId") != null
            && victim.getString("characterName") != null) {
          return node;
        }
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError(
        "no killmail with a named victim through the API on host 1 within "
            + within.toSeconds()
            + " s; last answer: "
            + last);
  }
}
