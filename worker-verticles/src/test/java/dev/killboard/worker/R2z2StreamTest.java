package dev.killboard.worker;

import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.contracts.QueueNames;
import dev.killboard.fake.FakeEsi;
import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeR2z2;
import dev.killboard.fake.RecordedRequest;
import dev.killboard.testing.ClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * redisq-stream on R2Z2: stores each entry with its sequence, waits >= 6 s on 404 and retries the
 * same N, resumes.
 */
@ClusterTest
class R2z2StreamTest {
  private WorkerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = WorkerHarness.get();
    h.reset();
  }

  private List<RecordedRequest> entryRequests(long sequence) {
    return h.fakes.r2z2().requests().of(FakeR2z2.ENTRY).stream()
        .filter(r -> r.uri().endsWith("/" + sequence + ".json"))
        .toList();
  }

  private long storedSequence() throws Exception {
    return h.count("SELECT coalesce(max(last_sequence), -1) FROM feed_state WHERE feed = 'r2z2'");
  }

  @Test
  void notFoundWaitsAndRetriesTheSameSequenceAndRestartResumes() throws Exception {
    FakeR2z2 feed = h.fakes.r2z2();
    long s0 = feed.latestSequence();
    h.sql("INSERT INTO feed_state (feed, last_sequence) VALUES ('r2z2', " + s0 + ")");
    feed.publishNew(2);
    String deployment = h.deploy("redisq-stream");
    try {
      eventually(
          Duration.ofSeconds(20),
          "two entries stored",
          () -> storedSequence() == s0 + 2 && h.count("SELECT count(*) FROM killmails") == 2);
      assertThat(entryRequests(s0)).as("resumed after the stored sequence").isEmpty();

      // s0+3 is not published yet: 404, then the same sequence again after at least 6 s.
      eventually(
          Duration.ofSeconds(10),
          "a 404 for s0+3",
          () -> entryRequests(s0 + 3).stream().anyMatch(r -> r.status() == 404));
      feed.publishNew(1);
      eventually(
          Duration.ofSeconds(20), "s0+3 stored after the wait", () -> storedSequence() == s0 + 3);
      List<RecordedRequest> tries = entryRequests(s0 + 3);
      assertThat(tries.size()).isGreaterThanOrEqualTo(2);
      for (int i = 1; i < tries.size(); i++) {
        long gapMs =
            TimeUnit.NANOSECONDS.toMillis(
                tries.get(i).receivedNanos() - tries.get(i - 1).receivedNanos());
        assertThat(gapMs)
            .as("wait between two reads of the same sequence")
            .isGreaterThanOrEqualTo(6000);
      }
      assertThat(tries.get(tries.size() - 1).status()).isEqualTo(200);
      assertThat(entryRequests(s0 + 4))
          .as("nothing read past an unpublished sequence")
          .allMatch(r -> r.status() == 404);
    } finally {
      h.undeploy(deployment);
    }

    // While stopped, two more are published; the restart resumes right after the stored sequence.
    feed.publishNew(2);
    feed.requests().clear();
    String again = h.deploy("redisq-stream");
    try {
      eventually(
          Duration.ofSeconds(20), "caught up after restart", () -> storedSequence() == s0 + 5);
      assertThat(h.count("SELECT count(*) FROM killmails")).isEqualTo(5);
      assertThat(h.fakes.r2z2().requests().of(FakeR2z2.ENTRY).stream().map(RecordedRequest::uri))
          .noneMatch(uri -> uri.endsWith("/" + (s0 + 3) + ".json"));
      assertThat(h.count("SELECT count(*) FROM killmails WHERE total_value IS NOT NULL"))
          .isEqualTo(5);
    } finally {
      h.undeploy(again);
    }
  }

  @Test
  void newKillmailsGetTheNamesOfTheirUnknownEntitiesAndKnownOnesAreNotAskedFor() throws Exception {
    FakeR2z2 feed = h.fakes.r2z2();
    h.sql(
        "INSERT INTO feed_state (feed, last_sequence) VALUES ('r2z2', "
            + feed.latestSequence()
            + ")");
    FakeKillmail km = h.fakes.universe().createKillmail();
    JsonObject victim = km.esi().getJsonObject("victim");
    JsonArray attackers = km.esi().getJsonArray("attackers");
    long known =
        attackers.stream()
            .map(a -> ((JsonObject) a).getLong("character_id"))
            .filter(Objects::nonNull)
            .filter(id -> !id.equals(victim.getLong("character_id")))
            .findFirst()
            .orElseThrow();
    h.sql(
        "INSERT INTO characters (id, name, corporation_id, birthday, bloodline_id, race_id, gender)"
            + " VALUES ("
            + known
            + ", 'Already Known', 1000125, now(), 1, 1, 'female')");
    feed.publish(km);
    List<String> deployments = new ArrayList<>();
    try {
      for (String worker :
          List.of("redisq-stream", "info-characters", "info-corporations", "info-types")) {
        deployments.add(h.deploy(worker));
      }
      eventually(
          Duration.ofSeconds(30),
          "the victim's character, corporation and ship stored",
          () ->
              h.count(
                          "SELECT count(*) FROM characters WHERE id = "
                              + victim.getLong("character_id"))
                      == 1
                  && h.count(
                          "SELECT count(*) FROM corporations WHERE id = "
                              + victim.getLong("corporation_id"))
                      == 1
                  && h.count(
                          "SELECT count(*) FROM types WHERE id = " + victim.getLong("ship_type_id"))
                      == 1);
      eventually(
          Duration.ofSeconds(30),
          "character info jobs done",
          () -> h.depth(QueueNames.ESI_CHARACTER_INFO) == 0);
      assertThat(h.fakes.esi().requests().of(FakeEsi.CHARACTER))
          .extracting(RecordedRequest::uri)
          .as("no ESI call for a character already stored")
          .noneMatch(uri -> uri.contains("/characters/" + known + "/"))
          .anyMatch(uri -> uri.contains("/characters/" + victim.getLong("character_id") + "/"));
      assertThat(
              h.count(
                  "SELECT count(*) FROM characters WHERE id = "
                      + known
                      + " AND name = 'Already Known'"))
          .isEqualTo(1);
    } finally {
      for (String d : deployments) {
        h.undeploy(d);
      }
    }
  }

  @Test
  void firstStartWaitsForTheFeedAndBeginsAtItsCurrentSequence() throws Exception {
    FakeR2z2 feed = h.fakes.r2z2();
    feed.publishNew(1);
    long current = feed.reportedSequence();
    feed.faults().inject(FakeR2z2.SEQUENCE, dev.killboard.fake.Fault.status(503), 2);
    String deployment = h.deploy("redisq-stream");
    try {
      eventually(
          Duration.ofSeconds(20),
          "the current entry stored once R2Z2 answers",
          () -> storedSequence() == current);
      assertThat(feed.requests().of(FakeR2z2.SEQUENCE).stream().filter(r -> r.status() == 503))
          .hasSize(2);
      assertThat(entryRequests(current - 1))
          .as("nothing before the current sequence on a first start")
          .isEmpty();
      feed.publishNew(1);
      eventually(Duration.ofSeconds(20), "the next entry", () -> storedSequence() == current + 1);
      assertThat(h.count("SELECT count(*) FROM killmails")).isEqualTo(2);
    } finally {
      h.undeploy(deployment);
    }
  }
}
