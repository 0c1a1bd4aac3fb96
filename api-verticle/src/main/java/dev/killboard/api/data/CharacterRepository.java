package dev.killboard.api.data;

import dev.killboard.api.data.Entities.Bloodline;
import dev.killboard.api.data.Entities.Character;
import dev.killboard.api.data.Entities.Race;
import dev.killboard.api.limits.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Set;

/** Characters, races and bloodlines. */
public final class CharacterRepository {
  static final String CHARACTER_COLUMNS =
      "ch.id, ch.name, ch.corporation_id, ch.alliance_id, ch.birthday, ch.bloodline_id,"
          + " ch.race_id, ch.gender, ch.security_status, ch.description, ch.title, ch.faction_id";

  private final Sql sql;
  private final PagePlanner pages;

  public CharacterRepository(Sql sql, PagePlanner pages) {
    this.sql = sql;
    this.pages = pages;
  }

  /**
   * The characters list's filter; {@code name} matches anywhere in the name, case-insensitively.
   */
  public record CharacterFilter(
      String name, Integer corporationId, Integer allianceId, CharacterOrder order) {}

  /** Orders of the characters list. */
  public enum CharacterOrder {
    NAME_ASC,
    NAME_DESC,
    SECURITY_STATUS_ASC,
    SECURITY_STATUS_DESC
  }

  static Character character(Row r) {
    return new Character(
        r.getInteger("id"),
        r.getString("name"),
        r.getInteger("corporation_id"),
        r.getInteger("alliance_id"),
        Sql.iso(r, "birthday"),
        r.getInteger("bloodline_id"),
        r.getInteger("race_id"),
        r.getString("gender"),
        r.getDouble("security_status"),
        r.getString("description"),
        r.getString("title"),
        r.getInteger("faction_id"));
  }

  static Race race(Row r) {
    return new Race(r.getInteger("id"), r.getString("name"), r.getString("description"));
  }

  static Bloodline bloodline(Row r) {
    return new Bloodline(
        r.getInteger("id"),
        r.getString("name"),
        r.getString("description"),
        r.getInteger("race_id"));
  }

  public Future<List<Character>> characters(Set<Integer> ids) {
    return sql.list(
        "SELECT " + CHARACTER_COLUMNS + " FROM characters ch WHERE ch.id = ANY($1)",
        Ids.tuple(ids),
        CharacterRepository::character);
  }

  public Future<List<Race>> races(Set<Integer> ids) {
    return sql.list(
        "SELECT id, name, description FROM races WHERE id = ANY($1)",
        Ids.tuple(ids),
        CharacterRepository::race);
  }

  public Future<List<Race>> allRaces() {
    return sql.list(
        "SELECT id, name, description FROM races ORDER BY name, id",
        Tuple.tuple(),
        CharacterRepository::race);
  }

  public Future<List<Bloodline>> bloodlines(Set<Integer> ids) {
    return sql.list(
        "SELECT id, name, description, race_id FROM bloodlines WHERE id = ANY($1)",
        Ids.tuple(ids),
        CharacterRepository::bloodline);
  }

  public Future<List<Bloodline>> allBloodlines() {
    return sql.list(
        "SELECT id, name, description, race_id FROM bloodlines ORDER BY name, id",
        Tuple.tuple(),
        CharacterRepository::bloodline);
  }

  public Future<Connection<Character>> list(CharacterFilter f, PageRequest page) {
    ListQuery<Character> q =
        ListQuery.of(CHARACTER_COLUMNS, "characters ch", CharacterRepository::character);
    if (f.name() != null) {
      q = q.where("ch.name ILIKE ?", Sql.containsPattern(f.name()));
    }
    if (f.corporationId() != null) {
      q = q.where("ch.corporation_id = ?", f.corporationId());
    }
    if (f.allianceId() != null) {
      q = q.where("ch.alliance_id = ?", f.allianceId());
    }
    return pages.page(
        q.orderBy(
            switch (f.order()) {
              case NAME_DESC -> "ch.name DESC, ch.id DESC";
              case SECURITY_STATUS_ASC -> "ch.security_status ASC NULLS LAST, ch.id";
              case SECURITY_STATUS_DESC -> "ch.security_status DESC NULLS LAST, ch.id DESC";
              case NAME_ASC -> "ch.name, ch.id";
            }),
        page);
  }
}
