package dev.killboard.bench.api;

import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One kind of request the load sends: how to build a random request body, how to tell a good answer
 * from a bad one, and the main SQL behind it for PostgreSQL's own ceiling.
 *
 * @param body the JSON request body for one request, from the client's random
 * @param goodAnswer true when a 200 response body carries the expected data and no GraphQL errors
 * @param ceiling the same main SQL, for pgbench (or its JDBC equivalent)
 */
record ApiScenario(
    String name,
    String description,
    Function<SplittableRandom, String> body,
    Predicate<String> goodAnswer,
    CeilingScript ceiling) {}
