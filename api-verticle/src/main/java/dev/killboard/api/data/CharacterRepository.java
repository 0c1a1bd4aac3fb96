package dev.killboard.api.data;

import dev.killboard.api.data.Entities.Bloodline;
import dev.killboard.api.data.Entities.Character;
import dev.killboard.api.data.Entities.Race;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Set;

/** Characters, races and bloodlines. */
public final class CharacterRepository {
  static final String CHARACTER_COLUMNS = "ch.id, ch.name, ch.corporation_id, ch.alliance_id, ch.birthday, ch.bloodline_id,"
      + " ch.race_id, ch.gender, ch.security_status, ch.description, ch.title, ch.faction_id";

  private final Sql sql;

  public CharacterRepository(Sql sql) {
    this.sql = sql;
  }

  static Character character(Row r) {
    return new Character(r.getInteger("id"), r.getString("name"), r.getInteger("corporation_id"), r.getInteger("alliance_id"),
        Sql.iso(r, "birthday"), r.getInteger("bloodline_id"), r.getInteger("race_id"), r.getString("gender"),
        r.getDouble("security_status"), r.getString("description"), r.getString("title"), r.getInteger("faction_id"));
  }

  static Race race(Row r) {
    return new Race(r.getInteger("id"), r.getString("name"), r.getString("description"));
  }

  static Bloodline bloodline(Row r) {
    return new Bloodline(r.getInteger("id"), r.getString("name"), r.getString("description"), r.getInteger("race_id"));
  }

  public Future<List<Character>> characters(Set<Integer> ids) {
    return sql.list("SELECT " + CHARACTER_COLUMNS + " FROM characters ch WHERE ch.id = ANY($1)", Ids.tuple(ids),
        CharacterRepository::character);
  }

  public Future<List<Race>> races(Set<Integer> ids) {
    return sql.list("SELECT id, name, description FROM races WHERE id = ANY($1)", Ids.tuple(ids), CharacterRepository::race);
  }

  public Future<List<Race>> allRaces() {
    return sql.list("SELECT id, name, description FROM races ORDER BY name, id", Tuple.tuple(), CharacterRepository::race);
  }

  public Future<List<Bloodline>> bloodlines(Set<Integer> ids) {
    return sql.list("SELECT id, name, description, race_id FROM bloodlines WHERE id = ANY($1)", Ids.tuple(ids),
        CharacterRepository::bloodline);
  }

  public Future<List<Bloodline>> allBloodlines() {
    return sql.list("SELECT id, name, description, race_id FROM bloodlines ORDER BY name, id", Tuple.tuple(),
        CharacterRepository::bloodline);
  }

  public ListQuery<Character> characterList() {
    return new ListQuery<>(CHARACTER_COLUMNS, "characters ch", CharacterRepository::character);
  }
}
