package dev.killboard.api.data;

import dev.killboard.api.data.Entities.Constellation;
import dev.killboard.api.data.Entities.Position;
import dev.killboard.api.data.Entities.Region;
import dev.killboard.api.data.Entities.SecurityStats;
import dev.killboard.api.data.Entities.SolarSystem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Set;

/** Regions, constellations and solar systems, with their security statistics. */
public final class UniverseRepository {
  static final String REGION_COLUMNS = "r.id, r.name, r.description";
  static final String CONSTELLATION_COLUMNS = "c.id, c.name, c.region_id, c.position_x, c.position_y, c.position_z";
  static final String SYSTEM_COLUMNS = "s.id, s.name, s.constellation_id, s.security_status, s.security_class, s.star_id,"
      + " s.position_x, s.position_y, s.position_z";

  private final Sql sql;

  public UniverseRepository(Sql sql) {
    this.sql = sql;
  }

  static Region region(Row r) {
    return new Region(r.getInteger("id"), r.getString("name"), r.getString("description"));
  }

  static Position position(Row r) {
    Double x = r.getDouble("position_x");
    return x == null ? null : new Position(x, r.getDouble("position_y"), r.getDouble("position_z"));
  }

  static Constellation constellation(Row r) {
    return new Constellation(r.getInteger("id"), r.getString("name"), r.getInteger("region_id"), position(r));
  }

  static SolarSystem system(Row r) {
    return new SolarSystem(r.getInteger("id"), r.getString("name"), r.getInteger("constellation_id"),
        r.getDouble("security_status"), r.getString("security_class"), r.getInteger("star_id"), position(r));
  }

  static SecurityStats stats(Row r) {
    Object avg = r.getValue("avg_security");
    Double avgSecurity = avg == null ? null : ((Number) avg).doubleValue();
    Integer constellations = r.getColumnIndex("constellation_count") >= 0 ? r.getInteger("constellation_count") : null;
    return new SecurityStats(r.getInteger("high_sec"), r.getInteger("low_sec"), r.getInteger("null_sec"),
        r.getInteger("wormhole"), avgSecurity, r.getInteger("solar_system_count"), constellations == null ? 0 : constellations);
  }

  public Future<List<Region>> regions(Set<Integer> ids) {
    return sql.list("SELECT " + REGION_COLUMNS + " FROM regions r WHERE r.id = ANY($1)", Ids.tuple(ids), UniverseRepository::region);
  }

  public Future<List<Constellation>> constellations(Set<Integer> ids) {
    return sql.list("SELECT " + CONSTELLATION_COLUMNS + " FROM constellations c WHERE c.id = ANY($1)", Ids.tuple(ids),
        UniverseRepository::constellation);
  }

  public Future<List<Constellation>> constellationsOfRegions(Set<Integer> regionIds) {
    return sql.list("SELECT " + CONSTELLATION_COLUMNS + " FROM constellations c WHERE c.region_id = ANY($1) ORDER BY c.name, c.id",
        Ids.tuple(regionIds), UniverseRepository::constellation);
  }

  public Future<List<SolarSystem>> systems(Set<Integer> ids) {
    return sql.list("SELECT " + SYSTEM_COLUMNS + " FROM solar_systems s WHERE s.id = ANY($1)", Ids.tuple(ids), UniverseRepository::system);
  }

  public Future<List<SolarSystem>> systemsOfConstellations(Set<Integer> constellationIds) {
    return sql.list("SELECT " + SYSTEM_COLUMNS + " FROM solar_systems s WHERE s.constellation_id = ANY($1) ORDER BY s.name, s.id",
        Ids.tuple(constellationIds), UniverseRepository::system);
  }

  /** Statistics per region id (a row for every region asked that exists). */
  public Future<List<Keyed<SecurityStats>>> regionStats(Set<Integer> ids) {
    return sql.list("SELECT region_id AS id, constellation_count, solar_system_count, high_sec, low_sec, null_sec, wormhole,"
        + " avg_security FROM region_statistics WHERE region_id = ANY($1)", Ids.tuple(ids),
        r -> new Keyed<>(r.getInteger("id"), stats(r)));
  }

  /** Statistics per constellation id. */
  public Future<List<Keyed<SecurityStats>>> constellationStats(Set<Integer> ids) {
    return sql.list("SELECT constellation_id AS id, solar_system_count, high_sec, low_sec, null_sec, wormhole, avg_security"
        + " FROM constellation_statistics WHERE constellation_id = ANY($1)", Ids.tuple(ids),
        r -> new Keyed<>(r.getInteger("id"), stats(r)));
  }

  public ListQuery<Region> regionList() {
    return new ListQuery<>(REGION_COLUMNS, "regions r", UniverseRepository::region);
  }

  public ListQuery<Constellation> constellationList() {
    return new ListQuery<>(CONSTELLATION_COLUMNS, "constellations c", UniverseRepository::constellation);
  }

  public ListQuery<SolarSystem> systemList() {
    return new ListQuery<>(SYSTEM_COLUMNS, "solar_systems s", UniverseRepository::system);
  }
}
