package dev.killboard.api.data;

/** Every repository of the API, over one pool; the lists share one page planner. */
public record Repositories(
    Sql sql,
    UniverseRepository universe,
    ItemRepository items,
    CharacterRepository characters,
    OrganisationRepository organisations,
    KillmailRepository killmails,
    UserRepository users) {

  /**
   * @param exactCountCeiling list totals up to this are counted exactly ({@code
   *     KILLBOARD_EXACT_COUNT_CEILING})
   */
  public static Repositories over(Sql sql, int exactCountCeiling) {
    PagePlanner pages = new PagePlanner(sql, exactCountCeiling);
    return new Repositories(
        sql,
        new UniverseRepository(sql, pages),
        new ItemRepository(sql, pages),
        new CharacterRepository(sql, pages),
        new OrganisationRepository(sql, pages),
        new KillmailRepository(sql, pages),
        new UserRepository(sql));
  }
}
