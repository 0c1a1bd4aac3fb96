package dev.killboard.api.data;

import dev.killboard.api.data.Entities.Constellation;
import dev.killboard.api.data.Entities.Position;
import dev.killboard.api.data.Entities.Region;
import dev.killboard.api.data.Entities.SecurityStats;
import dev.killboard.api.data.Entities.SolarSystem;
import dev.killboard.api.limits.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Set;

/** Regions, constellations and solar systems, with their security statistics. */
public final class UniverseRepository {
  static final String REGION_COLUMNS = "r.id, r.name, r.description";
  static final String CONSTELLATION_COLUMNS =
      "c.id, c.name, c.region_id, c.position_x, c.position_y, c.position_z";
  static final String SYSTEM_COLUMNS =
      "s.id, s.name, s.constellation_id, s.security_status, s.security_class, s.star_id,"
          + " s.position_x, s.position_y, s.position_z";

  private final Sql sql;
  private final PagePlanner pages;

  public UniverseRepository(Sql sql, PagePlanner pages) {
    this.sql = sql;
    this.pages = pages;
  }

  /** The regions list's filter; {@code name} matches anywhere in the name, case-insensitively. */
  public record RegionFilter(String name, NameOrder order) {}

  /** The constellations list's filter. */
  public record ConstellationFilter(String name, Integer regionId, NameOrder order) {}

  /** The solar systems list's filter; the security bounds are inclusive. */
  public record SolarSystemFilter(
      String name,
      Integer regionId,
      Integer constellationId,
      Double securityStatusMin,
      Double securityStatusMax,
      SolarSystemOrder order) {}

  /** Orders of the regions and constellations lists. */
  public enum NameOrder {
    NAME_ASC,
    NAME_DESC
  }

  /** Orders of the solar systems list. */
  public enum SolarSystemOrder {
    NAME_ASC,
    NAME_DESC,
    SECURITY_STATUS_ASC,
    SECURITY_STATUS_DESC
  }

  static Region region(Row r) {
    return new Region(r.getInteger("id"), r.getString("name"), r.getString("description"));
  }

  static Position position(Row r) {
    Double x = r.getDouble("position_x");
    return x == null ? null : new Position(x, r.getDouble("position_y"), r.getDouble("position_z"));
  }

  static Constellation constellation(Row r) {
    return new Constellation(
        r.getInteger("id"), r.getString("name"), r.getInteger("region_id"), position(r));
  }

  static SolarSystem system(Row r) {
    return new SolarSystem(
        r.getInteger("id"),
        r.getString("name"),
        r.getInteger("constellation_id"),
        r.getDouble("security_status"),
        r.getString("security_class"),
        r.getInteger("star_id"),
        position(r));
  }

  static SecurityStats stats(Row r) {
    Object avg = r.getValue("avg_security");
    Double avgSecurity = avg == null ? null : ((Number) avg).doubleValue();
    Integer constellations =
        r.getColumnIndex("constellation_count") >= 0 ? r.getInteger("constellation_count") : null;
    return new SecurityStats(
        r.getInteger("high_sec"),
        r.getInteger("low_sec"),
        r.getInteger("null_sec"),
        r.getInteger("wormhole"),
        avgSecurity,
        r.getInteger("solar_system_count"),
        constellations == null ? 0 : constellations);
  }

  public Future<List<Region>> regions(Set<Integer> ids) {
    return sql.list(
        "SELECT " + REGION_COLUMNS + " FROM regions r WHERE r.id = ANY($1)",
        Ids.tuple(ids),
        UniverseRepository::region);
  }

  public Future<List<Constellation>> constellations(Set<Integer> ids) {
    return sql.list(
        "SELECT " + CONSTELLATION_COLUMNS + " FROM constellations c WHERE c.id = ANY($1)",
        Ids.tuple(ids),
        UniverseRepository::constellation);
  }

  public Future<List<Constellation>> constellationsOfRegions(Set<Integer> regionIds) {
    return sql.list(
        "SELECT "
            + CONSTELLATION_COLUMNS
            + " FROM constellations c WHERE c.region_id = ANY($1) ORDER BY c.name, c.id",
        Ids.tuple(regionIds),
        UniverseRepository::constellation);
  }

  public Future<List<SolarSystem>> systems(Set<Integer> ids) {
    return sql.list(
        "SELECT " + SYSTEM_COLUMNS + " FROM solar_systems s WHERE s.id = ANY($1)",
        Ids.tuple(ids),
        UniverseRepository::system);
  }

  public Future<List<SolarSystem>> systemsOfConstellations(Set<Integer> constellationIds) {
    return sql.list(
        "SELECT "
            + SYSTEM_COLUMNS
            + " FROM solar_systems s WHERE s.constellation_id = ANY($1) ORDER BY s.name, s.id",
        Ids.tuple(constellationIds),
        UniverseRepository::system);
  }

  /** Statistics per region id (a row for every region asked that exists). */
  public Future<List<Keyed<SecurityStats>>> regionStats(Set<Integer> ids) {
    return sql.list(
        "SELECT region_id AS id, constellation_count, solar_system_count, high_sec, low_sec, null_sec, wormhole,"
            + " avg_security FROM region_statistics WHERE region_id = ANY($1)",
        Ids.tuple(ids),
        r -> new Keyed<>(r.getInteger("id"), stats(r)));
  }

  /** Statistics per constellation id. */
  public Future<List<Keyed<SecurityStats>>> constellationStats(Set<Integer> ids) {
    return sql.list(
        "SELECT constellation_id AS id, solar_system_count, high_sec, low_sec, null_sec, wormhole, avg_security"
            + " FROM constellation_statistics WHERE constellation_id = ANY($1)",
        Ids.tuple(ids),
        r -> new Keyed<>(r.getInteger("id"), stats(r)));
  }

  public Future<Connection<Region>> list(RegionFilter f, PageRequest page) {
    ListQuery<Region> q = ListQuery.of(REGION_COLUMNS, "regions r", UniverseRepository::region);
    if (f.name() != null) {
      q = q.where("r.name ILIKE ?", Sql.containsPattern(f.name()));
    }
    return pages.page(
        q.orderBy(f.order() == NameOrder.NAME_DESC ? "r.name DESC, r.id DESC" : "r.name, r.id"),
        page);
  }

  public Future<Connection<Constellation>> list(ConstellationFilter f, PageRequest page) {
    ListQuery<Constellation> q =
        ListQuery.of(CONSTELLATION_COLUMNS, "constellations c", UniverseRepository::constellation);
    if (f.name() != null) {
      q = q.where("c.name ILIKE ?", Sql.containsPattern(f.name()));
    }
    if (f.regionId() != null) {
      q = q.where("c.region_id = ?", f.regionId());
    }
    return pages.page(
        q.orderBy(f.order() == NameOrder.NAME_DESC ? "c.name DESC, c.id DESC" : "c.name, c.id"),
        page);
  }

  public Future<Connection<SolarSystem>> list(SolarSystemFilter f, PageRequest page) {
    ListQuery<SolarSystem> q =
        ListQuery.of(SYSTEM_COLUMNS, "solar_systems s", UniverseRepository::system);
    if (f.name() != null) {
      q = q.where("s.name ILIKE ?", Sql.containsPattern(f.name()));
    }
    if (f.regionId() != null) {
      q = q.where("s.region_id = ?", f.regionId());
    }
    if (f.constellationId() != null) {
      q = q.where("s.constellation_id = ?", f.constellationId());
    }
    if (f.securityStatusMin() != null) {
      q = q.where("s.security_status >= ?", f.securityStatusMin());
    }
    if (f.securityStatusMax() != null) {
      q = q.where("s.security_status <= ?", f.securityStatusMax());
    }
    return pages.page(
        q.orderBy(
            switch (f.order()) {
              case NAME_DESC -> "s.name DESC, s.id DESC";
              case SECURITY_STATUS_ASC -> "s.security_status ASC NULLS LAST, s.id";
              case SECURITY_STATUS_DESC -> "s.security_status DESC NULLS LAST, s.id DESC";
              case NAME_ASC -> "s.name, s.id";
            }),
        page);
  }
}
