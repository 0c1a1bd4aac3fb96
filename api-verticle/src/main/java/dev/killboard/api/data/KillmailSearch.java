package dev.killboard.api.data;

import dev.killboard.api.data.KillmailRepository.Killmail;
import dev.killboard.api.data.KillmailRepository.KillmailFilter;
import dev.killboard.api.data.KillmailRepository.KillmailPage;
import dev.killboard.api.limits.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The killmails list's search: the characters, corporations and alliances whose name contains the
 * text, then the killmails they took part in, read from their involvement indexes (docs/api.md,
 * "Pagination and counts").
 */
final class KillmailSearch {
  /** How many characters, corporations and alliances a killmail search may match (each). */
  static final int SEARCH_ENTITIES_PER_KIND = 25;

  /** Exact search counts stop here; above it the total is an estimate (see docs/api.md). */
  static final int SEARCH_COUNT_CEILING = 2_000;

  private final Sql sql;
  private final PagePlanner pages;

  KillmailSearch(Sql sql, PagePlanner pages) {
    this.sql = sql;
    this.pages = pages;
  }

  /**
   * A search: killmails the characters, corporations and alliances whose name contains the text
   * took part in (at most {@link #SEARCH_ENTITIES_PER_KIND} of each), optionally within the
   * filter's system or region. The total is exact up to {@link #SEARCH_COUNT_CEILING}; above it the
   * connection carries an estimate flagged as such.
   */
  Future<Connection<Killmail>> page(KillmailFilter f, PageRequest page) {
    Integer systemId = f.systemId();
    Integer regionId = f.regionId();
    return searchEntities(f.search(), SEARCH_ENTITIES_PER_KIND)
        .compose(
            matches -> {
              if (matches.isEmpty()) {
                return Future.succeededFuture(
                    Paging.connection(
                        List.<Killmail>of(),
                        0,
                        page,
                        CursorStyle.POSITION_PLUS_ONE,
                        Killmail::killmailId));
              }
              int ceiling = Math.min(SEARCH_COUNT_CEILING, pages.exactCountCeiling());
              return searchPage(
                      matches,
                      systemId,
                      regionId,
                      !f.newestFirst(),
                      page.offset(),
                      page.limit(),
                      ceiling)
                  .compose(
                      p -> {
                        if (p.counted() <= ceiling) {
                          return Future.succeededFuture(
                              Paging.connection(
                                  p.rows(),
                                  p.counted(),
                                  page,
                                  CursorStyle.POSITION_PLUS_ONE,
                                  Killmail::killmailId));
                        }
                        // Above the ceiling: an estimate that is the same on every page (issue 10:
                        // a lower bound raised page by page
                        // grew as one paged forward). Without a place filter the matched entities'
                        // exact totals give it (exact for
                        // one entity); with one, the ceiling is all that is known.
                        Future<Long> estimate =
                            systemId == null && regionId == null
                                ? searchTotalEstimate(matches).map(n -> Math.max(n, ceiling + 1L))
                                : Future.succeededFuture(ceiling + 1L);
                        return estimate.map(
                            n ->
                                Paging.connection(
                                    p.rows(),
                                    n,
                                    true,
                                    page,
                                    CursorStyle.POSITION_PLUS_ONE,
                                    Killmail::killmailId));
                      });
            });
  }

  /**
   * Ids of the characters, corporations and alliances whose name contains {@code text}, most
   * specific names first.
   */
  private Future<SearchMatches> searchEntities(String text, int perKind) {
    String pattern = Sql.containsPattern(text);
    String q =
        "SELECT 'character' AS kind, id FROM (SELECT id FROM characters WHERE name ILIKE $1"
            + " ORDER BY (lower(name) = lower($2)) DESC, length(name), id LIMIT $3) c"
            + " UNION ALL SELECT 'corporation', id FROM (SELECT id FROM corporations WHERE name ILIKE $1"
            + " ORDER BY (lower(name) = lower($2)) DESC, length(name), id LIMIT $3) co"
            + " UNION ALL SELECT 'alliance', id FROM (SELECT id FROM alliances WHERE name ILIKE $1"
            + " ORDER BY (lower(name) = lower($2)) DESC, length(name), id LIMIT $3) a";
    return sql.rows(q, Tuple.of(pattern, text, perKind))
        .map(
            rows -> {
              List<Integer> characters = new ArrayList<>();
              List<Integer> corporations = new ArrayList<>();
              List<Integer> alliances = new ArrayList<>();
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
   * Killmails any of the matched entities took part in (victim or attacker side), optionally within
   * one system or region, one page in time order. Each entity contributes at most the rows the page
   * can reach (its involvement index read in order, stopping early), so the cost is bounded by page
   * depth times matched entities, never by the table. The count is exact up to {@code
   * countCeiling}, a lower bound above it.
   */
  private Future<KillmailPage> searchPage(
      SearchMatches m,
      Integer systemId,
      Integer regionId,
      boolean ascending,
      long offset,
      int limit,
      int countCeiling) {
    String dir = ascending ? "ASC" : "DESC";
    List<Object> common =
        new ArrayList<>(
            List.of(
                m.characters().toArray(new Integer[0]),
                m.corporations().toArray(new Integer[0]),
                m.alliances().toArray(new Integer[0]),
                0L));
    StringBuilder filter = new StringBuilder();
    if (systemId != null) {
      common.add(systemId);
      filter.append(" AND k2.solar_system_id = $").append(common.size());
    }
    if (regionId != null) {
      common.add(regionId);
      filter.append(" AND k2.region_id = $").append(common.size());
    }
    String hits =
        hitsSql("character_killmails", "character_id", "$1", filter.toString(), dir)
            + " UNION "
            + hitsSql("corporation_killmails", "corporation_id", "$2", filter.toString(), dir)
            + " UNION "
            + hitsSql("alliance_killmails", "alliance_id", "$3", filter.toString(), dir);

    List<Object> pageParams = new ArrayList<>(common);
    pageParams.set(3, offset + limit + 1);
    pageParams.add(limit + 1);
    pageParams.add(offset);
    String pageSql =
        "WITH hits AS ("
            + hits
            + ") SELECT "
            + KillmailRepository.KILLMAIL_COLUMNS
            + " FROM hits h JOIN killmails k ON k.killmail_id = h.killmail_id LEFT JOIN victims v ON v.killmail_id = k.killmail_id"
            + " ORDER BY k.killmail_time "
            + dir
            + ", k.killmail_id "
            + dir
            + " LIMIT $"
            + (pageParams.size() - 1)
            + " OFFSET $"
            + pageParams.size();

    List<Object> countParams = new ArrayList<>(common);
    countParams.set(3, (long) countCeiling + 1);
    String countSql = "WITH hits AS (" + hits + ") SELECT count(*) AS n FROM hits";

    Future<List<Killmail>> rows =
        sql.list(pageSql, Tuple.wrap(pageParams), KillmailRepository::killmail);
    Future<Long> count = sql.one(countSql, Tuple.wrap(countParams), r -> r.getLong("n"));
    return Future.all(rows, count).map(done -> new KillmailPage(rows.result(), count.result()));
  }

  /**
   * The sum of the matched entities' exact killmail totals (from their per-day totals): a search's
   * total when one entity matched, an upper bound when several did (a killmail two of them took
   * part in counts twice). Costs one row per day each entity has killmails on, whatever the number
   * of killmails.
   */
  private Future<Long> searchTotalEstimate(SearchMatches m) {
    String q =
        "SELECT (SELECT coalesce(sum(killmail_scope_total('character', e.id)), 0) FROM unnest($1::int4[]) AS e(id))"
            + " + (SELECT coalesce(sum(killmail_scope_total('corporation', e.id)), 0) FROM unnest($2::int4[]) AS e(id))"
            + " + (SELECT coalesce(sum(killmail_scope_total('alliance', e.id)), 0) FROM unnest($3::int4[]) AS e(id)) AS n";
    return sql.one(
        q,
        Tuple.of(
            m.characters().toArray(new Integer[0]),
            m.corporations().toArray(new Integer[0]),
            m.alliances().toArray(new Integer[0])),
        r -> r.getLong("n"));
  }

  private static String hitsSql(
      String table, String column, String idsParam, String filter, String dir) {
    return "SELECT x.killmail_time, x.killmail_id FROM unnest("
        + idsParam
        + "::int4[]) AS e(id) CROSS JOIN LATERAL ("
        + "SELECT i.killmail_time, i.killmail_id FROM "
        + table
        + " i"
        + (filter.isEmpty() ? "" : " JOIN killmails k2 ON k2.killmail_id = i.killmail_id")
        + " WHERE i."
        + column
        + " = e.id"
        + filter
        + " ORDER BY i.killmail_time "
        + dir
        + ", i.killmail_id "
        + dir
        + " LIMIT $4) x";
  }

  /** Entities matched by a search text. */
  public record SearchMatches(
      List<Integer> characters, List<Integer> corporations, List<Integer> alliances) {
    public boolean isEmpty() {
      return characters.isEmpty() && corporations.isEmpty() && alliances.isEmpty();
    }
  }
}
