package dev.killboard.store;

import dev.killboard.contracts.EsiKillmail;
import dev.killboard.contracts.NewKillmail;
import dev.killboard.contracts.Zkb;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Stores whole killmails — killmail with zKillboard values, victim, attackers and nested items — in
 * the caller's transaction, with one {@code unnest} insert per table for the whole batch. The
 * killmail insert skips duplicates ({@code ON CONFLICT (killmail_id) DO NOTHING ... RETURNING});
 * only the killmails it actually inserted get children, so a batch of duplicates costs one
 * statement (two when they carry zkb values, which fill in values a killmail stored from ESI alone
 * lacks). For live ingestion the same transaction records the entities the new killmails mention
 * but Killboard has not stored in the outbox ({@link EntityJobOutbox}). After commit, {@link
 * #publish} announces each new killmail on the clustered event bus ({@link NewKillmail}) and the
 * outbox relays the info jobs to Redis.
 */
public final class KillmailIngest {
  private static final String INSERT_KILLMAILS =
      """
      INSERT INTO killmails (killmail_id, killmail_hash, killmail_time, solar_system_id, moon_id, war_id, location_id,
                             total_value, fitted_value, destroyed_value, dropped_value, points, npc, solo, awox, labels)
      SELECT k.id, k.hash, k.time, k.system_id, k.moon_id, k.war_id, k.location_id, k.total, k.fitted, k.destroyed,
             k.dropped, k.points, k.npc, k.solo, k.awox,
             ARRAY(SELECT jsonb_array_elements_text(k.labels::jsonb))
        FROM unnest($1::int4[], $2::text[], $3::timestamptz[], $4::int4[], $5::int4[], $6::int4[], $7::int8[],
                    $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::int4[], $13::bool[], $14::bool[],
                    $15::bool[], $16::text[])
             AS k (id, hash, time, system_id, moon_id, war_id, location_id, total, fitted, destroyed, dropped, points,
                   npc, solo, awox, labels)
       ORDER BY k.id
          ON CONFLICT (killmail_id) DO NOTHING
      RETURNING killmail_id""";

  private static final String INSERT_VICTIMS =
      """
      INSERT INTO victims (killmail_id, character_id, corporation_id, alliance_id, faction_id, ship_type_id,
                           damage_taken, position_x, position_y, position_z)
      SELECT * FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::int4[], $5::int4[], $6::int4[], $7::int4[],
                           $8::float8[], $9::float8[], $10::float8[])""";

  private static final String INSERT_ATTACKERS =
      """
      INSERT INTO attackers (killmail_id, attacker_no, character_id, corporation_id, alliance_id, faction_id,
                             ship_type_id, weapon_type_id, damage_done, final_blow, security_status)
      SELECT * FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::int4[], $5::int4[], $6::int4[], $7::int4[],
                           $8::int4[], $9::int4[], $10::bool[], $11::float8[])""";

  private static final String INSERT_ITEMS =
      """
      INSERT INTO killmail_items (killmail_id, item_no, parent_item_no, item_type_id, flag, quantity_dropped,
                                  quantity_destroyed, singleton)
      SELECT * FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::int4[], $5::int4[], $6::int8[], $7::int8[],
                           $8::int4[])""";

  private static final String FILL_ZKB =
      """
      UPDATE killmails k
         SET location_id = z.location_id, total_value = z.total, fitted_value = z.fitted,
             destroyed_value = z.destroyed, dropped_value = z.dropped, points = z.points, npc = z.npc, solo = z.solo,
             awox = z.awox, labels = ARRAY(SELECT jsonb_array_elements_text(z.labels::jsonb))
        FROM unnest($1::int4[], $2::int8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::int4[],
                    $8::bool[], $9::bool[], $10::bool[], $11::text[])
             AS z (id, location_id, total, fitted, destroyed, dropped, points, npc, solo, awox, labels)
       WHERE k.killmail_id = z.id AND k.total_value IS NULL""";

  private final EntityJobOutbox outbox;

  /**
   * Ingestion that only stores and publishes (the backfill: {@code scan-killmail-entities} queues
   * names later).
   */
  public KillmailIngest() {
    this(null);
  }

  /**
   * Ingestion that also records the new killmails' unknown entities in {@code outbox} with the
   * killmails, and relays them after each {@link #store}.
   */
  public KillmailIngest(EntityJobOutbox outbox) {
    this.outbox = outbox;
  }

  /**
   * Inserts the batch in {@code tx}, and records the new killmails' unknown entities in the outbox
   * when there is one; completes with the ids it newly stored (ascending). Duplicates within the
   * batch or already stored are skipped. Call {@link #publish} after the transaction committed.
   */
  public Future<List<Integer>> write(SqlConnection tx, List<EsiKillmail> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<EsiKillmail> sorted;
    try {
      sorted = distinctSorted(batch);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return tx.preparedQuery(INSERT_KILLMAILS)
        .execute(KillmailRows.killmails(sorted))
        .compose(
            rows -> {
              Set<Integer> inserted = new HashSet<>();
              for (Row row : rows) {
                inserted.add(row.getInteger(0));
              }
              // Duplicates carrying zkb values fill them in where the stored copy has none (read
              // from ESI only).
              List<Map.Entry<Integer, Zkb>> zkbOnly =
                  sorted.stream()
                      .filter(k -> k.zkb() != null && !inserted.contains(k.killmailId()))
                      .map(k -> Map.entry(k.killmailId(), k.zkb()))
                      .toList();
              Future<Void> filled = fillZkb(tx, zkbOnly);
              if (inserted.isEmpty()) {
                return filled.map(v -> List.<Integer>of());
              }
              List<EsiKillmail> fresh =
                  sorted.stream().filter(k -> inserted.contains(k.killmailId())).toList();
              // One connection runs them in order; sent together they are pipelined.
              List<Future<?>> children = new ArrayList<>(3);
              children.add(tx.preparedQuery(INSERT_VICTIMS).execute(KillmailRows.victims(fresh)));
              children.add(
                  tx.preparedQuery(INSERT_ATTACKERS).execute(KillmailRows.attackers(fresh)));
              if (KillmailRows.hasItems(fresh)) {
                children.add(tx.preparedQuery(INSERT_ITEMS).execute(KillmailRows.items(fresh)));
              }
              List<Integer> ids = fresh.stream().map(EsiKillmail::killmailId).toList();
              children.add(filled);
              // The outbox rows are read from the children just inserted: after them, on the same
              // connection.
              return Future.all(children)
                  .compose(v -> outbox == null ? Future.succeededFuture() : outbox.record(tx, ids))
                  .map(v -> ids);
            });
  }

  /**
   * Sets zKillboard's values on stored killmails that have none yet (killmail id to {@code zkb}
   * block); killmails that already carry values are left alone. Runs in the caller's transaction.
   */
  public Future<Void> fillZkb(SqlConnection tx, List<Map.Entry<Integer, Zkb>> zkbById) {
    if (zkbById.isEmpty()) {
      return Future.succeededFuture();
    }
    try {
      return tx.preparedQuery(FILL_ZKB).execute(KillmailRows.zkbValues(zkbById)).mapEmpty();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Stores the batch in its own transaction, plus {@code alsoInTransaction} (e.g. a feed position),
   * then publishes the new killmails and starts a relay of the outbox (their unknown entities' info
   * jobs); completes with their ids without waiting for the relay, which Redis may refuse: the jobs
   * then wait in the outbox until Redis is back.
   */
  public Future<List<Integer>> store(
      Vertx vertx,
      Pool pool,
      List<EsiKillmail> batch,
      Function<SqlConnection, Future<?>> alsoInTransaction) {
    return pool.withTransaction(
            tx -> write(tx, batch).compose(ids -> alsoInTransaction.apply(tx).map(v -> ids)))
        .onSuccess(
            ids -> {
              publish(vertx, ids);
              if (outbox != null && !ids.isEmpty()) {
                // Not waited for: whatever Redis does, ingestion goes on (the rows wait in the
                // outbox).
                outbox.relay();
              }
            });
  }

  /** Stores the batch in its own transaction and publishes the new killmails. */
  public Future<List<Integer>> store(Vertx vertx, Pool pool, List<EsiKillmail> batch) {
    return store(vertx, pool, batch, tx -> Future.succeededFuture());
  }

  /** Publishes one {@link NewKillmail} per id on the clustered event bus. */
  public void publish(Vertx vertx, List<Integer> killmailIds) {
    for (Integer id : killmailIds) {
      vertx.eventBus().publish(NewKillmail.ADDRESS, new NewKillmail(id).toJson());
    }
  }

  private static List<EsiKillmail> distinctSorted(List<EsiKillmail> batch) {
    Map<Integer, EsiKillmail> byId = new LinkedHashMap<>();
    for (EsiKillmail k : batch) {
      byId.putIfAbsent(k.killmailId(), k);
    }
    List<EsiKillmail> sorted = new ArrayList<>(byId.values());
    sorted.sort(Comparator.comparingInt(EsiKillmail::killmailId));
    return sorted;
  }
}
