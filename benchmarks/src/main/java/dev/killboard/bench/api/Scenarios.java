package dev.killboard.bench.api;

import dev.killboard.api.data.KillmailRepository;
import io.vertx.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The three measured requests: the frontend's {@code Killmails} page (limit 25, random pages),
 * {@code killmail(id)} with a minimal selection, and the frontend's {@code Killmail} operation,
 * each with the main SQL the API runs for it (the page is api-verticle's own statement, with its
 * exact total; the killmail statements mirror KillmailRepository: the killmail with its victim,
 * attackers and items; the entity look-ups the DataLoaders batch are not part of it).
 */
final class Scenarios {
  static final String PAGE = "page";
  static final String KILLMAIL_MINIMAL = "killmail-minimal";
  static final String KILLMAIL = "killmail";
  static final List<String> ALL = List.of(PAGE, KILLMAIL_MINIMAL, KILLMAIL);
  static final int PAGE_SIZE = 25;

  /** The columns the API reads for a killmail node (killmail joined with its victim). */
  private static final String KILLMAIL_COLUMNS =
      "k.killmail_id, k.killmail_hash, k.killmail_time, k.solar_system_id,"
          + " k.total_value, k.created_at, v.character_id AS v_character_id, v.corporation_id AS v_corporation_id,"
          + " v.alliance_id AS v_alliance_id, v.faction_id AS v_faction_id, v.ship_type_id AS v_ship_type_id,"
          + " v.damage_taken AS v_damage_taken, v.position_x AS v_x, v.position_y AS v_y, v.position_z AS v_z";

  private static final String KILLMAIL_FROM =
      "killmails k LEFT JOIN victims v ON v.killmail_id = k.killmail_id";
  private static final String MINIMAL =
      "query KillmailMinimal($id: ID!) {\n  killmail(id: $id) {\n    id\n    killmailId\n  }\n}\n";

  private Scenarios() {}

  /** The scenario named {@code name} over killmail ids [firstId, lastId] and pages [1, maxPage]. */
  static ApiScenario create(String name, int firstId, int lastId, int maxPage) {
    return switch (name) {
      case PAGE -> {
        String head =
            prefix("Killmails", operation("Killmails.graphql")) + "{\"filter\":{\"page\":";
        String tail = ",\"limit\":" + PAGE_SIZE + ",\"orderBy\":\"timeDesc\"}}}";
        yield new ApiScenario(
            PAGE,
            "frontend Killmails page (limit "
                + PAGE_SIZE
                + ", timeDesc, random page 1–"
                + maxPage
                + ")",
            r -> head + (1 + r.nextInt(maxPage)) + tail,
            body ->
                !body.contains("\"errors\"")
                    && body.contains("\"edges\":[{")
                    && body.contains("\"totalCount\""),
            CeilingScript.builder()
                .random("page", 1, maxPage)
                .derived("off", "page", -1, PAGE_SIZE)
                // The API's own page statement (positioned through the day/hour totals, with the
                // exact total).
                .statement(
                    KillmailRepository.positionedPageSql(true, PAGE_SIZE + 1).replace("$1", ":off"))
                .build());
      }
      case KILLMAIL_MINIMAL ->
          new ApiScenario(
              KILLMAIL_MINIMAL,
              "killmail(id) { id killmailId } (random id)",
              byId(prefix("KillmailMinimal", MINIMAL), firstId, lastId),
              body -> !body.contains("\"errors\"") && body.contains("\"killmail\":{"),
              CeilingScript.builder()
                  .random("id", firstId, lastId)
                  .statement(
                      "SELECT "
                          + KILLMAIL_COLUMNS
                          + " FROM "
                          + KILLMAIL_FROM
                          + " WHERE k.killmail_id = ANY(ARRAY[CAST(:id AS int4)])")
                  .build());
      case KILLMAIL -> {
        yield new ApiScenario(
            KILLMAIL,
            "frontend Killmail operation (random id)",
            byId(prefix("Killmail", operation("Killmail.graphql")), firstId, lastId),
            body ->
                !body.contains("\"errors\"")
                    && body.contains("\"killmail\":{")
                    && body.contains("\"attackers\":[{"),
            CeilingScript.builder()
                .random("id", firstId, lastId)
                .statement(
                    "SELECT "
                        + KILLMAIL_COLUMNS
                        + " FROM "
                        + KILLMAIL_FROM
                        + " WHERE k.killmail_id = ANY(ARRAY[CAST(:id AS int4)])")
                .statement(
                    "SELECT killmail_id, character_id, corporation_id, alliance_id, faction_id, ship_type_id,"
                        + " weapon_type_id, damage_done, final_blow, security_status FROM attackers"
                        + " WHERE killmail_id = ANY(ARRAY[CAST(:id AS int4)]) ORDER BY killmail_id, attacker_no")
                .statement(
                    "SELECT killmail_id, item_type_id, flag, quantity_dropped, quantity_destroyed, singleton"
                        + " FROM killmail_items WHERE killmail_id = ANY(ARRAY[CAST(:id AS int4)]) ORDER BY killmail_id, item_no")
                .build());
      }
      default ->
          throw new IllegalArgumentException(
              "unknown scenario '" + name + "'; known: " + String.join(", ", ALL));
    };
  }

  /**
   * The request body up to the variables object: the document is JSON-escaped once, not per
   * request.
   */
  private static String prefix(String operationName, String document) {
    return "{\"operationName\":"
        + Json.encode(operationName)
        + ",\"query\":"
        + Json.encode(document)
        + ",\"variables\":";
  }

  /** Bodies asking for a random killmail id (the contract's ID is a string). */
  private static Function<SplittableRandom, String> byId(String head, int firstId, int lastId) {
    return r -> head + "{\"id\":\"" + (firstId + r.nextInt(lastId - firstId + 1)) + "\"}}";
  }

  /**
   * Where the original frontend's operation documents are: api-verticle's contract fixtures (its
   * test-jar).
   */
  private static final String OPERATIONS = "contract/frontend/graphql__";

  /** One of the original frontend's operation documents, e.g. "Killmail.graphql". */
  static String operation(String file) {
    try (InputStream in = Scenarios.class.getClassLoader().getResourceAsStream(OPERATIONS + file)) {
      if (in == null) {
        throw new IllegalStateException(
            "operation document "
                + OPERATIONS
                + file
                + " is missing from the classpath"
                + " (it comes from api-verticle's test-jar: run mvn install first)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
