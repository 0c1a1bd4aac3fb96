package dev.killboard.api.data;

import dev.killboard.api.data.Entities.Position;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Set;

/** Killmails with their victim (one row each), attackers and items (batched per page), and the killmail lists. */
public final class KillmailRepository {
  /** A killmail row joined with its victim: everything a Killmail node needs except attackers and items. */
  static final String KILLMAIL_COLUMNS = "k.killmail_id, k.killmail_hash, k.killmail_time, k.solar_system_id, k.total_value,"
      + " k.created_at, v.character_id AS v_character_id, v.corporation_id AS v_corporation_id,"
      + " v.alliance_id AS v_alliance_id, v.faction_id AS v_faction_id, v.ship_type_id AS v_ship_type_id,"
      + " v.damage_taken AS v_damage_taken, v.position_x AS v_x, v.position_y AS v_y, v.position_z AS v_z";
  static final String KILLMAIL_FROM = "killmails k LEFT JOIN victims v ON v.killmail_id = k.killmail_id";
  /** One page's rows joined to the ids sub-select {@code p} of {@link ListQuery#idsFirst}. */
  static final String PAGE_ROWS = "killmails k ON k.killmail_id = p.page_id LEFT JOIN victims v ON v.killmail_id = k.killmail_id";

  private final Sql sql;

  public KillmailRepository(Sql sql) {
    this.sql = sql;
  }

  /** A killmail. */
  public record Killmail(int killmailId, String killmailHash, String killmailTime, int solarSystemId, Double totalValue,
      String createdAt, Victim victim) {
    /** The contract's ID: the killmail id as text. */
    public String id() {
      return Integer.toString(killmailId);
    }
  }

  /** The victim; corporationId is 0 when ESI gave none (the contract's field is non-null), as the original. */
  public record Victim(Integer characterId, int corporationId, Integer allianceId, Integer factionId, int shipTypeId,
      int damageTaken, Position position) {
  }

  /** One attacker. */
  public record Attacker(int killmailId, Integer characterId, Integer corporationId, Integer allianceId, Integer factionId,
      Integer shipTypeId, Integer weaponTypeId, int damageDone, boolean finalBlow, double securityStatus) {
  }

  /** One item; containers precede their contents. */
  public record KillmailItem(int killmailId, int itemTypeId, int flag, Integer quantityDropped, Integer quantityDestroyed,
      int singleton) {
  }

  static Killmail killmail(Row r) {
    Double x = r.getDouble("v_x");
    Integer corporation = r.getInteger("v_corporation_id");
    Integer ship = r.getInteger("v_ship_type_id");
    Integer damage = r.getInteger("v_damage_taken");
    Victim victim = new Victim(r.getInteger("v_character_id"), corporation == null ? 0 : corporation,
        r.getInteger("v_alliance_id"), r.getInteger("v_faction_id"), ship == null ? 0 : ship, damage == null ? 0 : damage,
        x == null ? null : new Position(x, r.getDouble("v_y"), r.getDouble("v_z")));
    return new Killmail(r.getInteger("killmail_id"), r.getString("killmail_hash"), Sql.iso(r, "killmail_time"),
        r.getInteger("solar_system_id"), r.getDouble("total_value"), Sql.iso(r, "created_at"), victim);
  }

  static Attacker attacker(Row r) {
    Number sec = (Number) r.getValue("security_status");
    return new Attacker(r.getInteger("killmail_id"), r.getInteger("character_id"), r.getInteger("corporation_id"),
        r.getInteger("alliance_id"), r.getInteger("faction_id"), r.getInteger("ship_type_id"), r.getInteger("weapon_type_id"),
        r.getInteger("damage_done"), r.getBoolean("final_blow"),
        sec == null ? 0.0 : Double.parseDouble(sec.toString()));
  }

  static KillmailItem item(Row r) {
    return new KillmailItem(r.getInteger("killmail_id"), r.getInteger("item_type_id"), r.getInteger("flag"),
        clamp(r.getLong("quantity_dropped")), clamp(r.getLong("quantity_destroyed")), r.getInteger("singleton"));
  }

  private static Integer clamp(Long v) {
    // The contract's Int is 32-bit; ESI quantities are int64 and in practice far below the limit.
    return v == null ? null : (int) Math.min(Integer.MAX_VALUE, v);
  }

  public Future<List<Killmail>> killmails(Set<Integer> ids) {
    return sql.list("SELECT " + KILLMAIL_COLUMNS + " FROM " + KILLMAIL_FROM + " WHERE k.killmail_id = ANY($1)", Ids.tuple(ids),
        KillmailRepository::killmail);
  }

  public Future<Killmail> killmail(int id) {
    return sql.one("SELECT " + KILLMAIL_COLUMNS + " FROM " + KILLMAIL_FROM + " WHERE k.killmail_id = $1", Tuple.of(id),
        KillmailRepository::killmail);
  }

  public Future<List<Attacker>> attackers(Set<Integer> killmailIds) {
    return sql.list("SELECT killmail_id, character_id, corporation_id, alliance_id, faction_id, ship_type_id, weapon_type_id,"
        + " damage_done, final_blow, security_status FROM attackers WHERE killmail_id = ANY($1) ORDER BY killmail_id, attacker_no",
        Ids.tuple(killmailIds), KillmailRepository::attacker);
  }

  public Future<List<KillmailItem>> items(Set<Integer> killmailIds) {
    return sql.list("SELECT killmail_id, item_type_id, flag, quantity_dropped, quantity_destroyed, singleton"
        + " FROM killmail_items WHERE killmail_id = ANY($1) ORDER BY killmail_id, item_no",
        Ids.tuple(killmailIds), KillmailRepository::item);
  }

  /**
   * The killmail list over killmails (optionally filtered by system or region; conditions use alias {@code k}),
   * ordered by time in {@code dir}: ids first from the time index (or the filter's), then one page of rows.
   */
  public ListQuery<Killmail> list(String dir) {
    return new ListQuery<>(KILLMAIL_COLUMNS, KILLMAIL_FROM, KillmailRepository::killmail).countFrom("killmails k")
        .orderBy("k.killmail_time " + dir + ", k.killmail_id " + dir)
        .idsFirst("killmails k", "k.killmail_id AS page_id", PAGE_ROWS, "k.killmail_time " + dir + ", k.killmail_id " + dir);
  }

  /**
   * Killmails one entity took part in, through its involvement table (alias {@code i}), newest first: ids from the
   * involvement index, then one page of rows.
   */
  public ListQuery<Killmail> involvementList(String involvementTable) {
    return new ListQuery<>(KILLMAIL_COLUMNS, involvementTable + " i JOIN killmails k ON k.killmail_id = i.killmail_id"
        + " LEFT JOIN victims v ON v.killmail_id = k.killmail_id", KillmailRepository::killmail)
        .countFrom(involvementTable + " i")
        .orderBy("i.killmail_time DESC, i.killmail_id DESC")
        .idsFirst(involvementTable + " i", "i.killmail_id AS page_id", PAGE_ROWS, "k.killmail_time DESC, k.killmail_id DESC");
  }

  /**
   * One page of the unfiltered list (at most {@code rows} killmails from position {@code offset}) and the exact total,
   * in one statement: {@code killmail_page_start} finds the hour holding the position from the per-hour totals, so
   * only killmails of that hour are skipped, however deep the page (docs/schema.md, "page positions").
   */
  public Future<KillmailPage> positionedPage(boolean newestFirst, long offset, int rows) {
    return sql.rows(positionedPageSql(newestFirst, rows), Tuple.of(offset)).map(result -> {
      long total = 0;
      List<Killmail> page = new java.util.ArrayList<>(rows);
      for (Row r : result) {
        total = r.getLong("total");
        if (r.getInteger("killmail_id") != null) {
          page.add(killmail(r));
        }
      }
      return new KillmailPage(page, total);
    });
  }

  /** The statement of {@link #positionedPage} ($1: the offset); plan tests and the benchmark ceiling use it as is. */
  public static String positionedPageSql(boolean newestFirst, int rows) {
    String dir = newestFirst ? "DESC" : "ASC";
    String bound = newestFirst ? "k.killmail_time < (SELECT hour_start FROM s) + interval '1 hour'"
        : "k.killmail_time >= (SELECT hour_start FROM s)";
    // The limit is inlined (one cached statement per page size): a generic plan then knows the page is small.
    return "WITH s AS MATERIALIZED (SELECT hour_start, skipped FROM killmail_page_start($1, " + newestFirst + "))"
        + " SELECT t.total, x.* FROM (SELECT killmail_count_total() AS total) t LEFT JOIN LATERAL ("
        + "SELECT " + KILLMAIL_COLUMNS + " FROM (SELECT k.killmail_id AS page_id FROM killmails k WHERE " + bound
        + " ORDER BY k.killmail_time " + dir + ", k.killmail_id " + dir + " LIMIT " + rows
        + " OFFSET (SELECT $1 - skipped FROM s)) p JOIN " + PAGE_ROWS
        + ") x ON true ORDER BY x.killmail_time " + dir + ", x.killmail_id " + dir;
  }

  public Future<Long> countInSystem(int systemId) {
    return sql.one("SELECT killmail_count_for_system($1) AS n", Tuple.of(systemId), r -> r.getLong("n"));
  }

  /** The system's count when the system is in the region, else 0 (no killmail of the system is in the region). */
  public Future<Long> countInSystemOfRegion(int systemId, int regionId) {
    return sql.one("SELECT CASE WHEN EXISTS (SELECT 1 FROM solar_systems WHERE id = $1 AND region_id = $2)"
        + " THEN killmail_count_for_system($1) ELSE 0 END AS n", Tuple.of(systemId, regionId), r -> r.getLong("n"));
  }

  public Future<Long> countInRegion(int regionId) {
    return sql.one("SELECT killmail_count_for_region($1) AS n", Tuple.of(regionId), r -> r.getLong("n"));
  }

  /** The exact number of killmails of a character, corporation or alliance (or system, region), from its per-day totals. */
  public Future<Long> countInScope(String scope, int scopeId) {
    return sql.one("SELECT killmail_scope_total($1, $2) AS n", Tuple.of(scope, scopeId), r -> r.getLong("n"));
  }

  /** Ids of the characters, corporations and alliances whose name contains {@code text}, most specific names first. */
  public Future<SearchMatches> searchEntities(String text, int perKind) {
    String pattern = Sql.containsPattern(text);
    String q = "SELECT 'character' AS kind, id FROM (SELECT id FROM characters WHERE name ILIKE $1"
        + " ORDER BY (lower(name) = lower($2)) DESC, length(name), id LIMIT $3) c"
        + " UNION ALL SELECT 'corporation', id FROM (SELECT id FROM corporations WHERE name ILIKE $1"
        + " ORDER BY (lower(name) = lower($2)) DESC, length(name), id LIMIT $3) co"
        + " UNION ALL SELECT 'alliance', id FROM (SELECT id FROM alliances WHERE name ILIKE $1"
        + " ORDER BY (lower(name) = lower($2)) DESC, length(name), id LIMIT $3) a";
    return sql.rows(q, Tuple.of(pattern, text, perKind)).map(rows -> {
      List<Integer> characters = new java.util.ArrayList<>();
      List<Integer> corporations = new java.util.ArrayList<>();
      List<Integer> alliances = new java.util.ArrayList<>();
      for (Row r : rows) {
        switch (r.getString("kind")) {
          case "character" -> characters.add(r.getInteger("id"));
          case "corporation" -> corporations.add(r.getInteger("id"));
          default -> alliances.add(r.getInteger("id"));
        }
      }
      return new SearchMatches(characters, corporations, alliances);
    });
  }

  /**
   * Killmails any of the matched entities took part in (victim or attacker side), optionally within one system or
   * region, one page in time order. Each entity contributes at most the rows the page can reach (its involvement
   * index read in order, stopping early), so the cost is bounded by page depth times matched entities, never by the
   * table. The count is exact up to {@code countCeiling}, a lower bound above it.
   */
  public Future<KillmailPage> search(SearchMatches m, Integer systemId, Integer regionId, boolean ascending, long offset, int limit,
      int countCeiling) {
    String dir = ascending ? "ASC" : "DESC";
    List<Object> common = new java.util.ArrayList<>(List.of(m.characters().toArray(new Integer[0]),
        m.corporations().toArray(new Integer[0]), m.alliances().toArray(new Integer[0]), 0L));
    StringBuilder filter = new StringBuilder();
    if (systemId != null) {
      common.add(systemId);
      filter.append(" AND k2.solar_system_id = $").append(common.size());
    }
    if (regionId != null) {
      common.add(regionId);
      filter.append(" AND k2.region_id = $").append(common.size());
    }
    String hits = hitsSql("character_killmails", "character_id", "$1", filter.toString(), dir) + " UNION "
        + hitsSql("corporation_killmails", "corporation_id", "$2", filter.toString(), dir) + " UNION "
        + hitsSql("alliance_killmails", "alliance_id", "$3", filter.toString(), dir);

    List<Object> pageParams = new java.util.ArrayList<>(common);
    pageParams.set(3, offset + limit + 1);
    pageParams.add(limit + 1);
    pageParams.add(offset);
    String pageSql = "WITH hits AS (" + hits + ") SELECT " + KILLMAIL_COLUMNS
        + " FROM hits h JOIN killmails k ON k.killmail_id = h.killmail_id LEFT JOIN victims v ON v.killmail_id = k.killmail_id"
        + " ORDER BY k.killmail_time " + dir + ", k.killmail_id " + dir
        + " LIMIT $" + (pageParams.size() - 1) + " OFFSET $" + pageParams.size();

    List<Object> countParams = new java.util.ArrayList<>(common);
    countParams.set(3, (long) countCeiling + 1);
    String countSql = "WITH hits AS (" + hits + ") SELECT count(*) AS n FROM hits";

    Future<List<Killmail>> rows = sql.list(pageSql, Tuple.wrap(pageParams), KillmailRepository::killmail);
    Future<Long> count = sql.one(countSql, Tuple.wrap(countParams), r -> r.getLong("n"));
    return Future.all(rows, count).map(done -> new KillmailPage(rows.result(), count.result()));
  }

  /**
   * The sum of the matched entities' exact killmail totals (from their per-day totals): a search's total when one
   * entity matched, an upper bound when several did (a killmail two of them took part in counts twice). Costs one
   * row per day each entity has killmails on, whatever the number of killmails.
   */
  public Future<Long> searchTotalEstimate(SearchMatches m) {
    String q = "SELECT (SELECT coalesce(sum(killmail_scope_total('character', e.id)), 0) FROM unnest($1::int4[]) AS e(id))"
        + " + (SELECT coalesce(sum(killmail_scope_total('corporation', e.id)), 0) FROM unnest($2::int4[]) AS e(id))"
        + " + (SELECT coalesce(sum(killmail_scope_total('alliance', e.id)), 0) FROM unnest($3::int4[]) AS e(id)) AS n";
    return sql.one(q, Tuple.of(m.characters().toArray(new Integer[0]), m.corporations().toArray(new Integer[0]),
        m.alliances().toArray(new Integer[0])), r -> r.getLong("n"));
  }

  private static String hitsSql(String table, String column, String idsParam, String filter, String dir) {
    return "SELECT x.killmail_time, x.killmail_id FROM unnest(" + idsParam + "::int4[]) AS e(id) CROSS JOIN LATERAL ("
        + "SELECT i.killmail_time, i.killmail_id FROM " + table + " i"
        + (filter.isEmpty() ? "" : " JOIN killmails k2 ON k2.killmail_id = i.killmail_id")
        + " WHERE i." + column + " = e.id" + filter
        + " ORDER BY i.killmail_time " + dir + ", i.killmail_id " + dir + " LIMIT $4) x";
  }

  /** One page of killmails (one row more than asked when a next page exists) and the total: exact, or bounded for a search. */
  public record KillmailPage(List<Killmail> rows, long counted) {
  }

  /** Entities matched by a search text. */
  public record SearchMatches(List<Integer> characters, List<Integer> corporations, List<Integer> alliances) {
    public boolean isEmpty() {
      return characters.isEmpty() && corporations.isEmpty() && alliances.isEmpty();
    }
  }
}
