package dev.killboard.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ceiling's pgbench script and its JDBC twin draw and bind the same variables. */
class CeilingScriptTest {
  private final CeilingScript page =
      CeilingScript.builder()
          .random("page", 1, 40)
          .derived("off", "page", -1, 25)
          .statement("SELECT k FROM t ORDER BY k LIMIT 26 OFFSET :off")
          .build();

  @Test
  void pgbenchScriptSetsVariablesBeforeTheStatements() {
    assertThat(page.pgbenchScript())
        .isEqualTo(
            "\\set page random(1, 40)\n\\set off (:page + -1) * 25\n"
                + "SELECT k FROM t ORDER BY k LIMIT 26 OFFSET :off;\n");
  }

  @Test
  void drawsDerivedValuesAsPgbenchComputesThem() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 1_000; i++) {
      Map<String, Long> v = page.draw(r);
      assertThat(v.get("page")).isBetween(1L, 40L);
      assertThat(v.get("off")).isEqualTo((v.get("page") - 1) * 25);
    }
  }

  @Test
  void jdbcFormBindsVariablesInOrder() {
    Map.Entry<String, List<String>> j =
        CeilingScript.jdbc(
            "SELECT 1 WHERE a = ANY(ARRAY[CAST(:id AS int4)]) LIMIT :lim OFFSET :off");
    assertThat(j.getKey())
        .isEqualTo("SELECT 1 WHERE a = ANY(ARRAY[CAST(? AS int4)]) LIMIT ? OFFSET ?");
    assertThat(j.getValue()).containsExactly("id", "lim", "off");
  }

  @Test
  void scenariosAskForTheFrontendOperationsUnchanged() {
    ApiScenario s = Scenarios.create(Scenarios.PAGE, 100_000_001, 100_020_000, 800);
    String body = s.body().apply(new SplittableRandom(1));
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(body);
    assertThat(json.getString("query")).isEqualTo(Scenarios.operation("Killmails.graphql"));
    assertThat(json.getJsonObject("variables").getJsonObject("filter").getInteger("limit"))
        .isEqualTo(25);
    assertThat(json.getJsonObject("variables").getJsonObject("filter").getInteger("page"))
        .isBetween(1, 800);
    ApiScenario k = Scenarios.create(Scenarios.KILLMAIL, 100_000_001, 100_020_000, 800);
    json = new io.vertx.core.json.JsonObject(k.body().apply(new SplittableRandom(1)));
    assertThat(json.getString("query")).isEqualTo(Scenarios.operation("Killmail.graphql"));
    assertThat(Integer.parseInt(json.getJsonObject("variables").getString("id")))
        .isBetween(100_000_001, 100_020_000);
  }
}
