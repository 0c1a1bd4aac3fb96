package dev.killboard.api.data;

/** Every repository of the API, over one pool. */
public record Repositories(Sql sql, UniverseRepository universe, ItemRepository items, CharacterRepository characters,
    OrganisationRepository organisations, KillmailRepository killmails, UserRepository users) {

  public static Repositories over(Sql sql) {
    return new Repositories(sql, new UniverseRepository(sql), new ItemRepository(sql), new CharacterRepository(sql),
        new OrganisationRepository(sql), new KillmailRepository(sql), new UserRepository(sql));
  }
}
