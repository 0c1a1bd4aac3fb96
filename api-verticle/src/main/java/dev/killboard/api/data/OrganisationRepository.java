package dev.killboard.api.data;

import dev.killboard.api.data.Entities.Alliance;
import dev.killboard.api.data.Entities.AllianceCounts;
import dev.killboard.api.data.Entities.AllianceSnapshot;
import dev.killboard.api.data.Entities.Corporation;
import dev.killboard.api.data.Entities.CorporationSnapshot;
import dev.killboard.api.limits.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/** Alliances and corporations: rows, live counts, daily snapshots. */
public final class OrganisationRepository {
  static final String ALLIANCE_COLUMNS =
      "a.id, a.name, a.ticker, a.date_founded, a.creator_corporation_id, a.creator_id,"
          + " a.executor_corporation_id, a.faction_id";
  static final String CORPORATION_COLUMNS =
      "co.id, co.name, co.ticker, co.member_count, co.date_founded, co.creator_id,"
          + " co.alliance_id, co.ceo_id, co.faction_id, co.tax_rate, co.url";

  /** How many days back the metrics compare against. */
  public static final int[] METRIC_DAYS = {1, 7, 30};

  /**
   * Player corporations start here; lower ids are NPC corporations, which the original's list
   * hides.
   */
  static final int FIRST_PLAYER_CORPORATION = 2_000_000;

  private final Sql sql;
  private final PagePlanner pages;

  public OrganisationRepository(Sql sql, PagePlanner pages) {
    this.sql = sql;
    this.pages = pages;
  }

  /**
   * The alliances list's filter: {@code search} matches name or ticker, {@code name} and {@code
   * ticker} their own column (anywhere, case-insensitively); the founding bounds are inclusive.
   */
  public record AllianceFilter(
      String search,
      String name,
      String ticker,
      OffsetDateTime foundedFrom,
      OffsetDateTime foundedTo,
      OrganisationOrder order) {}

  /**
   * The corporations list's filter (player corporations only), as {@link AllianceFilter} plus the
   * alliance.
   */
  public record CorporationFilter(
      String search,
      String name,
      String ticker,
      Integer allianceId,
      OffsetDateTime foundedFrom,
      OffsetDateTime foundedTo,
      OrganisationOrder order) {}

  /** Orders of the alliances and corporations lists. */
  public enum OrganisationOrder {
    NAME_ASC,
    NAME_DESC,
    MEMBER_COUNT_ASC,
    MEMBER_COUNT_DESC
  }

  static Alliance alliance(Row r) {
    Integer executor = r.getInteger("executor_corporation_id");
    return new Alliance(
        r.getInteger("id"),
        r.getString("name"),
        r.getString("ticker"),
        Sql.iso(r, "date_founded"),
        r.getInteger("creator_corporation_id"),
        r.getInteger("creator_id"),
        executor == null ? 0 : executor,
        r.getInteger("faction_id"));
  }

  static Corporation corporation(Row r) {
    Number tax = (Number) r.getValue("tax_rate");
    return new Corporation(
        r.getInteger("id"),
        r.getString("name"),
        r.getString("ticker"),
        r.getInteger("member_count"),
        Sql.iso(r, "date_founded"),
        r.getInteger("creator_id"),
        r.getInteger("alliance_id"),
        r.getInteger("ceo_id"),
        r.getInteger("faction_id"),
        tax == null ? 0.0 : Double.parseDouble(tax.toString()),
        r.getString("url"));
  }

  public Future<List<Alliance>> alliances(Set<Integer> ids) {
    return sql.list(
        "SELECT " + ALLIANCE_COLUMNS + " FROM alliances a WHERE a.id = ANY($1)",
        Ids.tuple(ids),
        OrganisationRepository::alliance);
  }

  public Future<List<Corporation>> corporations(Set<Integer> ids) {
    return sql.list(
        "SELECT " + CORPORATION_COLUMNS + " FROM corporations co WHERE co.id = ANY($1)",
        Ids.tuple(ids),
        OrganisationRepository::corporation);
  }

  /** Member corporations of each alliance, largest first (as the original). */
  public Future<List<Corporation>> corporationsOfAlliances(Set<Integer> allianceIds) {
    return sql.list(
        "SELECT "
            + CORPORATION_COLUMNS
            + " FROM corporations co WHERE co.alliance_id = ANY($1)"
            + " ORDER BY co.alliance_id, co.member_count DESC, co.id",
        Ids.tuple(allianceIds),
        OrganisationRepository::corporation);
  }

  /** Live member and corporation counts per alliance, maintained by the schema's triggers. */
  public Future<List<Keyed<AllianceCounts>>> allianceCounts(Set<Integer> allianceIds) {
    return sql.list(
        "SELECT alliance_id, member_count, corporation_count FROM alliance_member_counts WHERE alliance_id = ANY($1)",
        Ids.tuple(allianceIds),
        r ->
            new Keyed<>(
                r.getInteger("alliance_id"),
                new AllianceCounts(
                    r.getInteger("member_count"), r.getInteger("corporation_count"))));
  }

  /**
   * For each alliance and each of 1, 7 and 30 days back: the latest snapshot taken on or before
   * that UTC day and not older than 30 days (the original's window, on whole dates). Rows: alliance
   * id, days, member count, corporation count.
   */
  public Future<List<MetricBase>> allianceMetricBases(Set<Integer> allianceIds) {
    return sql.list(
        "SELECT k.id, d.days, s.member_count, s.corporation_count"
            + " FROM unnest($1::int4[]) AS k(id) CROSS JOIN (VALUES (1), (7), (30)) AS d(days)"
            + " JOIN LATERAL (SELECT member_count, corporation_count FROM alliance_snapshots"
            + "   WHERE alliance_id = k.id AND snapshot_date <= ((now() AT TIME ZONE 'UTC') - make_interval(days => d.days))::date"
            + "   AND snapshot_date >= ((now() AT TIME ZONE 'UTC') - interval '30 days')::date"
            + "   ORDER BY snapshot_date DESC LIMIT 1) s ON true",
        Ids.tuple(allianceIds),
        r ->
            new MetricBase(
                r.getInteger("id"),
                r.getInteger("days"),
                r.getInteger("member_count"),
                r.getInteger("corporation_count")));
  }

  /** As {@link #allianceMetricBases} for corporations (corporation count 0). */
  public Future<List<MetricBase>> corporationMetricBases(Set<Integer> corporationIds) {
    return sql.list(
        "SELECT k.id, d.days, s.member_count"
            + " FROM unnest($1::int4[]) AS k(id) CROSS JOIN (VALUES (1), (7), (30)) AS d(days)"
            + " JOIN LATERAL (SELECT member_count FROM corporation_snapshots"
            + "   WHERE corporation_id = k.id AND snapshot_date <= ((now() AT TIME ZONE 'UTC') - make_interval(days => d.days))::date"
            + "   AND snapshot_date >= ((now() AT TIME ZONE 'UTC') - interval '30 days')::date"
            + "   ORDER BY snapshot_date DESC LIMIT 1) s ON true",
        Ids.tuple(corporationIds),
        r ->
            new MetricBase(
                r.getInteger("id"), r.getInteger("days"), r.getInteger("member_count"), 0));
  }

  /**
   * Snapshots dated today - days or later (UTC), oldest first, for every (alliance, days) key
   * asked.
   */
  public Future<List<SnapshotRow<AllianceSnapshot>>> allianceSnapshots(
      List<Integer> allianceIds, List<Integer> days) {
    return sql.list(
        "SELECT k.id, k.days, s.snapshot_date, s.member_count, s.corporation_count"
            + " FROM unnest($1::int4[], $2::int4[]) AS k(id, days)"
            + " JOIN alliance_snapshots s ON s.alliance_id = k.id"
            + "  AND s.snapshot_date >= ((now() AT TIME ZONE 'UTC') - make_interval(days => k.days))::date"
            + " ORDER BY k.id, k.days, s.snapshot_date",
        Tuple.tuple()
            .addValue(allianceIds.toArray(new Integer[0]))
            .addValue(days.toArray(new Integer[0])),
        r ->
            new SnapshotRow<>(
                r.getInteger("id"),
                r.getInteger("days"),
                new AllianceSnapshot(
                    Sql.date(r, "snapshot_date"),
                    r.getInteger("member_count"),
                    r.getInteger("corporation_count"))));
  }

  /** As {@link #allianceSnapshots} for corporations. */
  public Future<List<SnapshotRow<CorporationSnapshot>>> corporationSnapshots(
      List<Integer> corporationIds, List<Integer> days) {
    return sql.list(
        "SELECT k.id, k.days, s.snapshot_date, s.member_count"
            + " FROM unnest($1::int4[], $2::int4[]) AS k(id, days)"
            + " JOIN corporation_snapshots s ON s.corporation_id = k.id"
            + "  AND s.snapshot_date >= ((now() AT TIME ZONE 'UTC') - make_interval(days => k.days))::date"
            + " ORDER BY k.id, k.days, s.snapshot_date",
        Tuple.tuple()
            .addValue(corporationIds.toArray(new Integer[0]))
            .addValue(days.toArray(new Integer[0])),
        r ->
            new SnapshotRow<>(
                r.getInteger("id"),
                r.getInteger("days"),
                new CorporationSnapshot(
                    Sql.date(r, "snapshot_date"), r.getInteger("member_count"))));
  }

  public Future<Connection<Alliance>> list(AllianceFilter f, PageRequest page) {
    boolean byMembers =
        f.order() == OrganisationOrder.MEMBER_COUNT_ASC
            || f.order() == OrganisationOrder.MEMBER_COUNT_DESC;
    ListQuery<Alliance> q =
        ListQuery.of(
            ALLIANCE_COLUMNS,
            byMembers
                ? "alliances a JOIN alliance_member_counts amc ON amc.alliance_id = a.id"
                : "alliances a",
            OrganisationRepository::alliance);
    if (f.search() != null) {
      String p = Sql.containsPattern(f.search());
      q = q.where("(a.name ILIKE ? OR a.ticker ILIKE ?)", p, p);
    }
    if (f.name() != null) {
      q = q.where("a.name ILIKE ?", Sql.containsPattern(f.name()));
    }
    if (f.ticker() != null) {
      q = q.where("a.ticker ILIKE ?", Sql.containsPattern(f.ticker()));
    }
    if (f.foundedFrom() != null) {
      q = q.where("a.date_founded >= ?", f.foundedFrom());
    }
    if (f.foundedTo() != null) {
      q = q.where("a.date_founded <= ?", f.foundedTo());
    }
    q =
        q.orderBy(
            switch (f.order()) {
              case NAME_DESC -> "a.name DESC, a.id DESC";
              case MEMBER_COUNT_ASC -> "amc.member_count, a.id";
              case MEMBER_COUNT_DESC -> "amc.member_count DESC, a.id DESC";
              case NAME_ASC -> "a.name, a.id";
            });
    if (byMembers) {
      // Count over alliances alone: the join only orders.
      q = q.countFrom("alliances a");
    }
    return pages.page(q, page);
  }

  public Future<Connection<Corporation>> list(CorporationFilter f, PageRequest page) {
    ListQuery<Corporation> q =
        ListQuery.of(CORPORATION_COLUMNS, "corporations co", OrganisationRepository::corporation)
            .where("co.id >= ?", FIRST_PLAYER_CORPORATION);
    if (f.search() != null) {
      String p = Sql.containsPattern(f.search());
      q = q.where("(co.name ILIKE ? OR co.ticker ILIKE ?)", p, p);
    }
    if (f.name() != null) {
      q = q.where("co.name ILIKE ?", Sql.containsPattern(f.name()));
    }
    if (f.ticker() != null) {
      q = q.where("co.ticker ILIKE ?", Sql.containsPattern(f.ticker()));
    }
    if (f.allianceId() != null) {
      q = q.where("co.alliance_id = ?", f.allianceId());
    }
    if (f.foundedFrom() != null) {
      q = q.where("co.date_founded >= ?", f.foundedFrom());
    }
    if (f.foundedTo() != null) {
      q = q.where("co.date_founded <= ?", f.foundedTo());
    }
    q =
        q.orderBy(
            switch (f.order()) {
              case NAME_ASC -> "co.name, co.id";
              case NAME_DESC -> "co.name DESC, co.id DESC";
              case MEMBER_COUNT_ASC -> "co.member_count, co.id";
              case MEMBER_COUNT_DESC -> "co.member_count DESC, co.id DESC";
            });
    return pages.page(q.cursors(CursorStyle.ID, Corporation::id), page);
  }

  /** A snapshot loaded for the key (entity id, days back). */
  public record SnapshotRow<V>(int id, int days, V snapshot) {}

  /** The snapshot an entity is compared against, {@code days} days back. */
  public record MetricBase(int id, int days, int memberCount, int corporationCount) {}
}
