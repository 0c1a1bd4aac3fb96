package dev.killboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.Operations;
import dev.killboard.api.support.Seed;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DataLoader batching: the statements a page costs do not grow with the number of rows on it (no
 * N+1).
 */
@ClusterTest
class BatchingTest {
  static ApiHarness api;
  private static final Pattern STATEMENTS =
      Pattern.compile("(?m)^killboard_sql_statements_total(?:\\{[^}]*\\})? ([0-9.E]+)$");

  @BeforeAll
  static void start() {
    api = ApiHarness.get();
  }

  private double statements() {
    String body =
        api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/metrics")).GET().build())
            .body();
    Matcher m = STATEMENTS.matcher(body);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  private double statementsFor(String query, JsonObject variables) {
    double before = statements();
    api.data(query, variables);
    return statements() - before;
  }

  /**
   * The fewest statements of three requests after a first identical one: reference data (universe,
   * types) is then cached. The fewest, because the statements of one request vary by one now and
   * then (a batch can be dispatched in two when its keys arrive from different worker threads
   * around a level's end); an N+1 edge costs one statement per row in every request and shows in
   * the fewest all the same.
   */
  private double warmStatementsFor(String query, JsonObject variables) {
    statementsFor(query, variables);
    double fewest = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      fewest = Math.min(fewest, statementsFor(query, variables));
    }
    return fewest;
  }

  @Test
  void killmailsPageCostsTheSameForFewAndManyRows() {
    String killmails = Operations.load("graphql__Killmails.graphql");
    double small =
        warmStatementsFor(
            killmails, new JsonObject().put("filter", new JsonObject().put("limit", 2)));
    double large =
        warmStatementsFor(
            killmails, new JsonObject().put("filter", new JsonObject().put("limit", 30)));
    // 15 times the rows, not more statements (an N+1 edge would add one per row).
    assertThat(large).isLessThanOrEqualTo(small);
    // page, count, attackers, characters, corporations, alliances: the victim is released with the
    // attackers so their entities share one batch per loader; systems, constellations, regions,
    // types and groups come from the reference cache. It was 13-14 before.
    assertThat(small).isLessThanOrEqualTo(6);
  }

  @Test
  void frontendKillmailCostsOneStatementPerEdgeKind() {
    String killmail = Operations.load("graphql__Killmail.graphql");
    double warm =
        warmStatementsFor(
            killmail, new JsonObject().put("id", Integer.toString(Seed.FIRST_KILLMAIL + 6)));
    // killmail, attackers, items, characters, corporations, alliances (victim and attackers share
    // each entity batch); the universe, types, groups and categories come from the reference cache.
    // It was 16-17 before.
    assertThat(warm).isLessThanOrEqualTo(6);
  }

  @Test
  void listsOfEntitiesBatchTheirEdges() {
    String q =
        "query($l: Int) { corporations(filter: {limit: $l}) { edges { node { alliance { name executor { name } }"
            + " ceo { name corporation { name } } metrics { memberCountDelta7d } } } } }";
    double small = warmStatementsFor(q, new JsonObject().put("l", 1));
    double large = warmStatementsFor(q, new JsonObject().put("l", 4));
    assertThat(large).isLessThanOrEqualTo(small);
  }
}
