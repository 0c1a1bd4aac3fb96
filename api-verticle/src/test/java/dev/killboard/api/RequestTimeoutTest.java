package dev.killboard.api;

import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.killboard.api.support.ApiHarness;
import dev.killboard.api.support.Seed;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The request time limit answers once: a statement held up by a lock makes the request time out
 * (503, TIMEOUT), and when the statement completes afterwards its late result neither answers again
 * nor logs an error.
 */
@ClusterTest
class RequestTimeoutTest {
  private static final String BLOCKED = "query($id: ID!) { killmail(id: $id) { id killmailId } }";

  @Test
  void aTimedOutRequestIsAnsweredOnceAndTheLateResultIsDropped() throws Exception {
    ApiHarness api = ApiHarness.get();
    ApiHarness.Variant variant =
        api.deployVariant(
            Map.of(
                "KILLBOARD_REQUEST_TIMEOUT_MS",
                "1000",
                "KILLBOARD_API_STATEMENT_TIMEOUT_MS",
                "1000"));
    int port = variant.port;
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try (Connection lock = api.appConnection()) {
      lock.setAutoCommit(false);
      try (Statement st = lock.createStatement()) {
        // Every read of killmails now waits for this transaction: a slow statement, for as long as
        // the test likes.
        st.execute("LOCK TABLE killmails IN ACCESS EXCLUSIVE MODE");
      }
      HttpResponse<String> r = post(api, port, Seed.FIRST_KILLMAIL + 3);
      assertThat(r.statusCode()).isEqualTo(503);
      JsonObject body = new JsonObject(r.body());
      assertThat(
              body.getJsonArray("errors")
                  .getJsonObject(0)
                  .getJsonObject("extensions")
                  .getString("code"))
          .isEqualTo("TIMEOUT");
      lock.rollback();
    }
    try {
      awaitNoBlockedStatement(api);
      // The same instance still answers normally after the late result came back.
      HttpResponse<String> ok = post(api, port, Seed.FIRST_KILLMAIL + 3);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(
              new JsonObject(ok.body())
                  .getJsonObject("data")
                  .getJsonObject("killmail")
                  .getInteger("killmailId"))
          .isEqualTo(Seed.FIRST_KILLMAIL + 3);
      assertThat(logged.list)
          .noneMatch(
              e ->
                  e.getThrowableProxy() != null
                      && String.valueOf(e.getThrowableProxy().getMessage())
                          .contains("already sent"));
      assertThat(logged.list).noneMatch(e -> e.getFormattedMessage().contains("already sent"));
    } finally {
      root.detachAppender(logged);
      variant.close();
    }
  }

  private static HttpResponse<String> post(ApiHarness api, int port, int killmailId) {
    JsonObject request =
        new JsonObject()
            .put("query", BLOCKED)
            .put("variables", new JsonObject().put("id", Integer.toString(killmailId)));
    return api.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(request.encode()))
            .build());
  }

  /** Polls (nothing to await) until no API statement waits for a lock on killmails any more. */
  private static void awaitNoBlockedStatement(ApiHarness api) throws Exception {
    try (Connection c = api.appConnection();
        Statement st = c.createStatement()) {
      eventually(
          Duration.ofSeconds(10),
          "the blocked statement ends once the lock is gone",
          () -> {
            try (ResultSet rs =
                st.executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE '%FROM killmails k%' AND pid <> pg_backend_pid()")) {
              rs.next();
              return rs.getInt(1) == 0;
            }
          });
    }
  }
}
