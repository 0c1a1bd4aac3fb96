package dev.killboard.store;

import static dev.killboard.testing.Await.await;
import static dev.killboard.testing.Await.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.contracts.NewKillmail;
import dev.killboard.contracts.Zkb;
import dev.killboard.embedded.EmbeddedDatabase;
import dev.killboard.embedded.SharedServices;
import dev.killboard.fake.FakeKillmail;
import dev.killboard.fake.FakeUniverse;
import dev.killboard.fake.UniverseSpec;
import dev.killboard.schema.SchemaMigrations;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole killmails in one transaction: every child row, zkb values, duplicates skipped, one event
 * per new killmail. Against the embedded PostgreSQL (migrated) through a plain pool of the
 * application role: the store does not care where its connections come from (the budget is
 * shared-pool's business and tested there).
 */
class KillmailIngestTest {
  private static EmbeddedDatabase db;
  private static Vertx vertx;
  private static Pool pool;
  private static FakeUniverse universe;
  private final List<Integer> events = new CopyOnWriteArrayList<>();
  private MessageConsumer<JsonObject> consumer;

  @BeforeAll
  static void start() {
    db = SharedServices.database();
    SchemaMigrations.migrate(db.appJdbcUrl(), db.appUser(), db.appPassword());
    vertx = Vertx.vertx();
    pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2))
            .connectingTo(
                new PgConnectOptions()
                    .setHost(db.host())
                    .setPort(db.port())
                    .setDatabase(db.database())
                    .setUser(db.appUser())
                    .setPassword(db.appPassword()))
            .using(vertx)
            .build();
    universe = FakeUniverse.generate(UniverseSpec.tiny());
  }

  @AfterAll
  static void stop() {
    await(pool.close());
    await(vertx.close());
  }

  @BeforeEach
  void setUp() throws Exception {
    db.execute("TRUNCATE killmails, entity_job_outbox CASCADE");
    consumer =
        vertx
            .eventBus()
            .consumer(NewKillmail.ADDRESS, m -> events.add(m.body().getInteger("killmail_id")));
    await(consumer.completion());
  }

  @AfterEach
  void tearDown() {
    await(consumer.unregister());
  }

  private List<EsiKillmail> killmails(int from, int count) {
    List<EsiKillmail> out = new ArrayList<>();
    for (long id : universe.killmailIds().subList(from, from + count)) {
      FakeKillmail k = universe.killmail(id).orElseThrow();
      out.add(
          EsiKillmail.fromJson(k.killmailId(), k.hash(), k.esi(), Zkb.fromJson(k.zkb(), "zkb")));
    }
    return out;
  }

  private static int itemCount(List<EsiKillmail.Item> items) {
    int n = 0;
    for (EsiKillmail.Item item : items) {
      n += 1 + itemCount(item.items());
    }
    return n;
  }

  @Test
  void storesEveryPartOfEachKillmail() throws Exception {
    List<EsiKillmail> batch = killmails(0, 25);
    List<Integer> stored = await(new KillmailIngest().store(vertx, pool, batch));

    assertThat(stored).hasSize(25).isSorted();
    long attackers = batch.stream().mapToLong(k -> k.attackers().size()).sum();
    long items = batch.stream().mapToLong(k -> itemCount(k.items())).sum();
    assertThat(db.count("SELECT count(*) FROM killmails")).isEqualTo(25);
    assertThat(db.count("SELECT count(*) FROM victims")).isEqualTo(25);
    assertThat(db.count("SELECT count(*) FROM attackers")).isEqualTo(attackers);
    assertThat(db.count("SELECT count(*) FROM killmail_items")).isEqualTo(items);

    long nested =
        batch.stream().flatMap(k -> k.items().stream()).mapToLong(i -> itemCount(i.items())).sum();
    assertThat(nested).as("the fixtures hold nested container items").isPositive();
    assertThat(db.count("SELECT count(*) FROM killmail_items WHERE parent_item_no IS NOT NULL"))
        .isEqualTo(nested);

    for (EsiKillmail k : batch.subList(0, 5)) {
      Zkb zkb = k.zkb();
      Map<String, Object> row =
          db.rows("SELECT * FROM killmails WHERE killmail_id = " + k.killmailId()).get(0);
      assertThat(row.get("killmail_hash")).isEqualTo(k.hash());
      String time =
          universe.killmail(k.killmailId()).orElseThrow().esi().getString("killmail_time");
      assertThat(((java.sql.Timestamp) row.get("killmail_time")).toInstant())
          .isEqualTo(java.time.Instant.parse(time));
      assertThat((Double) row.get("total_value")).isEqualTo(zkb.totalValue());
      assertThat((Double) row.get("dropped_value")).isEqualTo(zkb.droppedValue());
      assertThat(((Number) row.get("points")).intValue()).isEqualTo(zkb.points());
      assertThat(row.get("npc")).isEqualTo(zkb.npc());
      assertThat(((Number) row.get("location_id")).longValue()).isEqualTo(zkb.locationId());
      assertThat(Arrays.asList((Object[]) ((Array) row.get("labels")).getArray()))
          .containsExactlyElementsOf(zkb.labels());
      EsiKillmail.Victim victim = k.victim();
      Map<String, Object> v =
          db.rows("SELECT * FROM victims WHERE killmail_id = " + k.killmailId()).get(0);
      assertThat(((Number) v.get("ship_type_id")).intValue()).isEqualTo(victim.shipTypeId());
      assertThat(((Number) v.get("damage_taken")).intValue()).isEqualTo(victim.damageTaken());
      List<EsiKillmail.Attacker> esiAttackers = k.attackers();
      List<Map<String, Object>> a =
          db.rows(
              "SELECT * FROM attackers WHERE killmail_id = "
                  + k.killmailId()
                  + " ORDER BY attacker_no");
      assertThat(a).hasSize(esiAttackers.size());
      for (int i = 0; i < a.size(); i++) {
        assertThat(a.get(i).get("final_blow")).isEqualTo(esiAttackers.get(i).finalBlow());
        assertThat(((Number) a.get(i).get("damage_done")).intValue())
            .isEqualTo(esiAttackers.get(i).damageDone());
      }
    }
    eventually(java.time.Duration.ofSeconds(10), "25 events", () -> events.size() == 25);
    assertThat(events).containsExactlyInAnyOrderElementsOf(stored);
  }

  @Test
  void duplicatesAreIngestedOnce() throws Exception {
    List<EsiKillmail> first = killmails(30, 10);
    await(new KillmailIngest().store(vertx, pool, first));
    long attackers = db.count("SELECT count(*) FROM attackers");
    long items = db.count("SELECT count(*) FROM killmail_items");

    // The same ten again, one of them twice in the batch, plus one new killmail.
    List<EsiKillmail> again = new ArrayList<>(first);
    again.add(first.get(3));
    EsiKillmail fresh = killmails(40, 1).get(0);
    again.add(fresh);
    List<Integer> stored = await(new KillmailIngest().store(vertx, pool, again));

    assertThat(stored).containsExactly(fresh.killmailId());
    assertThat(db.count("SELECT count(*) FROM killmails")).isEqualTo(11);
    assertThat(db.count("SELECT count(*) FROM victims")).isEqualTo(11);
    assertThat(db.count("SELECT count(*) FROM attackers"))
        .isEqualTo(attackers + fresh.attackers().size());
    assertThat(db.count("SELECT count(*) FROM killmail_items"))
        .isEqualTo(items + itemCount(fresh.items()));
    assertThat(db.count("SELECT killmail_count_total()")).isEqualTo(11);
    eventually(java.time.Duration.ofSeconds(10), "11 events", () -> events.size() == 11);
    assertThat(events).doesNotHaveDuplicates();
  }

  @Test
  void zkbValuesFillAKillmailStoredFromEsiAlone() throws Exception {
    EsiKillmail full = killmails(60, 1).get(0);
    EsiKillmail esiOnly = full.withZkb(null);
    assertThat(await(new KillmailIngest().store(vertx, pool, List.of(esiOnly)))).hasSize(1);
    String value = "SELECT total_value FROM killmails WHERE killmail_id = " + full.killmailId();
    assertThat(db.rows(value).get(0).get("total_value")).isNull();

    assertThat(await(new KillmailIngest().store(vertx, pool, List.of(full)))).isEmpty();
    assertThat(db.rows(value).get(0).get("total_value")).isEqualTo(full.zkb().totalValue());
    assertThat(db.count("SELECT count(*) FROM attackers")).isEqualTo(full.attackers().size());

    // Values already there are not overwritten by a later copy.
    Zkb other = Zkb.fromJson(full.zkb().toJson().put("totalValue", 1.0), "zkb");
    await(new KillmailIngest().store(vertx, pool, List.of(full.withZkb(other))));
    assertThat(db.rows(value).get(0).get("total_value")).isEqualTo(full.zkb().totalValue());
    eventually(java.time.Duration.ofSeconds(10), "one event", () -> events.size() == 1);
    assertThat(events).containsExactly(full.killmailId());
  }

  @Test
  void aBadKillmailRollsBackTheWholeBatch() throws Exception {
    List<EsiKillmail> batch = new ArrayList<>(killmails(50, 3));
    EsiKillmail broken = killmails(53, 1).get(0);
    JsonObject esi = broken.toJson();
    // Passes the killmail check (a finite number) but overflows the column's real type: PostgreSQL
    // refuses it.
    esi.getJsonArray("attackers").getJsonObject(0).put("security_status", 1e300);
    batch.add(EsiKillmail.fromJson(broken.killmailId(), broken.hash(), esi, broken.zkb()));
    Throwable failure =
        new KillmailIngest()
            .store(vertx, pool, batch)
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
            .await();
    assertThat(failure).isNotNull();
    assertThat(db.count("SELECT count(*) FROM killmails")).isZero();
    assertThat(db.count("SELECT count(*) FROM attackers")).isZero();
    assertThat(events).isEmpty();
  }
}
