package dev.killboard.api.data;

import dev.killboard.api.data.Entities.Position;
import dev.killboard.api.limits.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Killmails with their victim (one row each), attackers and items (batched per page), and the
 * killmail lists.
 */
public final class KillmailRepository {
  /**
   * A killmail row joined with its victim: everything a Killmail node needs except attackers and
   * items.
   */
  static final String KILLMAIL_COLUMNS =
      "k.killmail_id, k.killmail_hash, k.killmail_time, k.solar_system_id, k.total_value,"
          + " k.created_at, v.character_id AS v_character_id, v.corporation_id AS v_corporation_id,"
          + " v.alliance_id AS v_alliance_id, v.faction_id AS v_faction_id, v.ship_type_id AS v_ship_type_id,"
          + " v.damage_taken AS v_damage_taken, v.position_x AS v_x, v.position_y AS v_y, v.position_z AS v_z";

  static final String KILLMAIL_FROM =
      "killmails k LEFT JOIN victims v ON v.killmail_id = k.killmail_id";

  /** One page's rows joined to the ids sub-select {@code p} of {@link ListQuery#idsFirst}. */
  static final String PAGE_ROWS =
      "killmails k ON k.killmail_id = p.page_id LEFT JOIN victims v ON v.killmail_id = k.killmail_id";

  private final Sql sql;
  private final PagePlanner pages;
  private final KillmailSearch search;

  public KillmailRepository(Sql sql, PagePlanner pages) {
    this.sql = sql;
    this.pages = pages;
    this.search = new KillmailSearch(sql, pages);
  }

  /**
   * The killmails list's filter: {@code search} (names of characters, corporations, alliances that
   * took part), a system and/or a region, and the time direction.
   */
  public record KillmailFilter(
      String search, Integer systemId, Integer regionId, KillmailOrder order) {
    boolean newestFirst() {
      return order != KillmailOrder.TIME_ASC;
    }
  }

  /** Orders of the killmails list. */
  public enum KillmailOrder {
    TIME_DESC,
    TIME_ASC
  }

  /**
   * An entity's killmails list: the killmails {@code entityId} took part in (victim or attacker
   * side).
   */
  public record InvolvementFilter(Involvement involvement, int entityId) {}

  /**
   * The kinds of entity with an involvement table ({@code <scope>_killmails}) and per-day totals.
   */
  public enum Involvement {
    CHARACTER,
    CORPORATION,
    ALLIANCE;

    /** The schema's scope name: character, corporation, alliance. */
    String scope() {
      return name().toLowerCase(Locale.ROOT);
    }

    String table() {
      return scope() + "_killmails";
    }

    String column() {
      return scope() + "_id";
    }
  }

  /** A killmail. */
  public record Killmail(
      int killmailId,
      String killmailHash,
      String killmailTime,
      int solarSystemId,
      Double totalValue,
      String createdAt,
      Victim victim) {
    /** The contract's ID: the killmail id as text. */
    public String id() {
      return Integer.toString(killmailId);
    }
  }

  /**
   * The victim; corporationId is 0 when ESI gave none (the contract's field is non-null), as the
   * original.
   */
  public record Victim(
      Integer characterId,
      int corporationId,
      Integer allianceId,
      Integer factionId,
      int shipTypeId,
      int damageTaken,
      Position position) {}

  /** One attacker. */
  public record Attacker(
      int killmailId,
      Integer characterId,
      Integer corporationId,
      Integer allianceId,
      Integer factionId,
      Integer shipTypeId,
      Integer weaponTypeId,
      int damageDone,
      boolean finalBlow,
      double securityStatus) {}

  /** One item; containers precede their contents. */
  public record KillmailItem(
      int killmailId,
      int itemTypeId,
      int flag,
      Integer quantityDropped,
      Integer quantityDestroyed,
      int singleton) {}

  static Killmail killmail(Row r) {
    Double x = r.getDouble("v_x");
    Integer corporation = r.getInteger("v_corporation_id");
    Integer ship = r.getInteger("v_ship_type_id");
    Integer damage = r.getInteger("v_damage_taken");
    Victim victim =
        new Victim(
            r.getInteger("v_character_id"),
            corporation == null ? 0 : corporation,
            r.getInteger("v_alliance_id"),
            r.getInteger("v_faction_id"),
            ship == null ? 0 : ship,
            damage == null ? 0 : damage,
            x == null ? null : new Position(x, r.getDouble("v_y"), r.getDouble("v_z")));
    return new Killmail(
        r.getInteger("killmail_id"),
        r.getString("killmail_hash"),
        Sql.iso(r, "killmail_time"),
        r.getInteger("solar_system_id"),
        r.getDouble("total_value"),
        Sql.iso(r, "created_at"),
        victim);
  }

  static Attacker attacker(Row r) {
    Number sec = (Number) r.getValue("security_status");
    return new Attacker(
        r.getInteger("killmail_id"),
        r.getInteger("character_id"),
        r.getInteger("corporation_id"),
        r.getInteger("alliance_id"),
        r.getInteger("faction_id"),
        r.getInteger("ship_type_id"),
        r.getInteger("weapon_type_id"),
        r.getInteger("damage_done"),
        r.getBoolean("final_blow"),
        sec == null ? 0.0 : Double.parseDouble(sec.toString()));
  }

  static KillmailItem item(Row r) {
    return new KillmailItem(
        r.getInteger("killmail_id"),
        r.getInteger("item_type_id"),
        r.getInteger("flag"),
        clamp(r.getLong("quantity_dropped")),
        clamp(r.getLong("quantity_destroyed")),
        r.getInteger("singleton"));
  }

  private static Integer clamp(Long v) {
    // The contract's Int is 32-bit; ESI quantities are int64 and in practice far below the limit.
    return v == null ? null : (int) Math.min(Integer.MAX_VALUE, v);
  }

  public Future<List<Killmail>> killmails(Set<Integer> ids) {
    return sql.list(
        "SELECT " + KILLMAIL_COLUMNS + " FROM " + KILLMAIL_FROM + " WHERE k.killmail_id = ANY($1)",
        Ids.tuple(ids),
        KillmailRepository::killmail);
  }

  public Future<Killmail> killmail(int id) {
    return sql.one(
        "SELECT " + KILLMAIL_COLUMNS + " FROM " + KILLMAIL_FROM + " WHERE k.killmail_id = $1",
        Tuple.of(id),
        KillmailRepository::killmail);
  }

  public Future<List<Attacker>> attackers(Set<Integer> killmailIds) {
    return sql.list(
        "SELECT killmail_id, character_id, corporation_id, alliance_id, faction_id, ship_type_id, weapon_type_id,"
            + " damage_done, final_blow, security_status FROM attackers WHERE killmail_id = ANY($1) ORDER BY killmail_id, attacker_no",
        Ids.tuple(killmailIds),
        KillmailRepository::attacker);
  }

  public Future<List<KillmailItem>> items(Set<Integer> killmailIds) {
    return sql.list(
        "SELECT killmail_id, item_type_id, flag, quantity_dropped, quantity_destroyed, singleton"
            + " FROM killmail_items WHERE killmail_id = ANY($1) ORDER BY killmail_id, item_no",
        Ids.tuple(killmailIds),
        KillmailRepository::item);
  }

  /**
   * The killmails list: a search (entities whose name matches, see {@link KillmailSearch}), the
   * list of a system and/or region, or the unfiltered list, in time order.
   */
  public Future<Connection<Killmail>> list(KillmailFilter f, PageRequest page) {
    if (f.search() != null) {
      return search.page(f, page);
    }
    if (f.systemId() == null && f.regionId() == null) {
      return positionedPage(f.newestFirst(), page.offset(), page.limit() + 1)
          .map(
              p ->
                  Paging.connection(
                      p.rows(),
                      p.counted(),
                      page,
                      CursorStyle.POSITION_PLUS_ONE,
                      Killmail::killmailId));
    }
    return pages.page(placeQuery(f), page);
  }

  /** Killmails one character, corporation or alliance took part in, newest first. */
  public Future<Connection<Killmail>> list(InvolvementFilter f, PageRequest page) {
    return pages.page(involvementQuery(f), page);
  }

  /**
   * The list of a system and/or region: ids first from the filter's time index, then one page of
   * rows; planned for the filter's values, counted from the counter tables, deep pages placed from
   * the filter's per-day totals.
   */
  ListQuery<Killmail> placeQuery(KillmailFilter f) {
    Integer systemId = f.systemId();
    Integer regionId = f.regionId();
    ListQuery<Killmail> q = timeOrdered(f.newestFirst());
    if (systemId != null) {
      q = q.where("k.solar_system_id = ?", systemId);
    }
    if (regionId != null) {
      q = q.where("k.region_id = ?", regionId);
    }
    // A busy and a quiet region need different plans; a cached generic plan would pick one for all.
    q = q.customPlan();
    // Deep pages are placed from the filter's per-day totals. With both filters the list is the
    // system's killmails when the system is in that region (a killmail's region is its system's)
    // and empty otherwise, so the system's days place it either way.
    if (systemId != null) {
      q =
          q.exactCount(
                  () ->
                      regionId == null
                          ? countInSystem(systemId)
                          : countInSystemOfRegion(systemId, regionId))
              .positionedWithin("system", systemId, "k.killmail_time", f.newestFirst());
    } else {
      q =
          q.exactCount(() -> countInRegion(regionId))
              .positionedWithin("region", regionId, "k.killmail_time", f.newestFirst());
    }
    return q.cursors(CursorStyle.POSITION_PLUS_ONE, Killmail::killmailId);
  }

  /**
   * An entity's list: ids from its involvement index, placed from its per-day totals, counted
   * exactly.
   */
  ListQuery<Killmail> involvementQuery(InvolvementFilter f) {
    Involvement kind = f.involvement();
    int id = f.entityId();
    return involvementOrdered(kind)
        .where("i." + kind.column() + " = ?", id)
        .positionedWithin(kind.scope(), id, "i.killmail_time", true)
        .exactCount(() -> countInScope(kind.scope(), id))
        .cursors(CursorStyle.POSITION_PLUS_ONE, Killmail::killmailId);
  }

  /**
   * All killmails (conditions use alias {@code k}) in time order: ids first from the time index (or
   * the filter's), then one page of rows.
   */
  static ListQuery<Killmail> timeOrdered(boolean newestFirst) {
    String dir = newestFirst ? "DESC" : "ASC";
    return ListQuery.of(KILLMAIL_COLUMNS, KILLMAIL_FROM, KillmailRepository::killmail)
        .countFrom("killmails k")
        .orderBy("k.killmail_time " + dir + ", k.killmail_id " + dir)
        .idsFirst(
            "killmails k",
            "k.killmail_id AS page_id",
            PAGE_ROWS,
            "k.killmail_time " + dir + ", k.killmail_id " + dir);
  }

  /**
   * Killmails through an involvement table (alias {@code i}), newest first: ids from the
   * involvement index, then one page of rows.
   */
  static ListQuery<Killmail> involvementOrdered(Involvement kind) {
    String table = kind.table();
    return ListQuery.of(
            KILLMAIL_COLUMNS,
            table
                + " i JOIN killmails k ON k.killmail_id = i.killmail_id"
                + " LEFT JOIN victims v ON v.killmail_id = k.killmail_id",
            KillmailRepository::killmail)
        .countFrom(table + " i")
        .orderBy("i.killmail_time DESC, i.killmail_id DESC")
        .idsFirst(
            table + " i",
            "i.killmail_id AS page_id",
            PAGE_ROWS,
            "k.killmail_time DESC, k.killmail_id DESC");
  }

  /**
   * One page of the unfiltered list (at most {@code rows} killmails from position {@code offset})
   * and the exact total, in one statement: {@code killmail_page_start} finds the hour holding the
   * position from the per-hour totals, so only killmails of that hour are skipped, however deep the
   * page (docs/schema.md, "page positions").
   */
  private Future<KillmailPage> positionedPage(boolean newestFirst, long offset, int rows) {
    return sql.rows(positionedPageSql(newestFirst, rows), Tuple.of(offset))
        .map(
            result -> {
              long total = 0;
              List<Killmail> page = new ArrayList<>(rows);
              for (Row r : result) {
                total = r.getLong("total");
                if (r.getInteger("killmail_id") != null) {
                  page.add(killmail(r));
                }
              }
              return new KillmailPage(page, total);
            });
  }

  /**
   * The statement of {@link #positionedPage} ($1: the offset); plan tests and the benchmark ceiling
   * use it as is.
   */
  public static String positionedPageSql(boolean newestFirst, int rows) {
    String dir = newestFirst ? "DESC" : "ASC";
    String bound =
        newestFirst
            ? "k.killmail_time < (SELECT hour_start FROM s) + interval '1 hour'"
            : "k.killmail_time >= (SELECT hour_start FROM s)";
    // The limit is inlined (one cached statement per page size): a generic plan then knows the page
    // is small.
    return "WITH s AS MATERIALIZED (SELECT hour_start, skipped FROM killmail_page_start($1, "
        + newestFirst
        + "))"
        + " SELECT t.total, x.* FROM (SELECT killmail_count_total() AS total) t LEFT JOIN LATERAL ("
        + "SELECT "
        + KILLMAIL_COLUMNS
        + " FROM (SELECT k.killmail_id AS page_id FROM killmails k WHERE "
        + bound
        + " ORDER BY k.killmail_time "
        + dir
        + ", k.killmail_id "
        + dir
        + " LIMIT "
        + rows
        + " OFFSET (SELECT $1 - skipped FROM s)) p JOIN "
        + PAGE_ROWS
        + ") x ON true ORDER BY x.killmail_time "
        + dir
        + ", x.killmail_id "
        + dir;
  }

  public Future<Long> countInSystem(int systemId) {
    return sql.one(
        "SELECT killmail_count_for_system($1) AS n", Tuple.of(systemId), r -> r.getLong("n"));
  }

  /**
   * The system's count when the system is in the region, else 0 (no killmail of the system is in
   * the region).
   */
  public Future<Long> countInSystemOfRegion(int systemId, int regionId) {
    return sql.one(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM solar_systems WHERE id = $1 AND region_id = $2)"
            + " THEN killmail_count_for_system($1) ELSE 0 END AS n",
        Tuple.of(systemId, regionId),
        r -> r.getLong("n"));
  }

  public Future<Long> countInRegion(int regionId) {
    return sql.one(
        "SELECT killmail_count_for_region($1) AS n", Tuple.of(regionId), r -> r.getLong("n"));
  }

  /**
   * The exact number of killmails of a character, corporation or alliance (or system, region), from
   * its per-day totals.
   */
  public Future<Long> countInScope(String scope, int scopeId) {
    return sql.one(
        "SELECT killmail_scope_total($1, $2) AS n", Tuple.of(scope, scopeId), r -> r.getLong("n"));
  }

  /**
   * One page of killmails (one row more than asked when a next page exists) and the total: exact,
   * or bounded for a search.
   */
  public record KillmailPage(List<Killmail> rows, long counted) {}
}
