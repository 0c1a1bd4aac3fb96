package dev.killboard.api.data;

import dev.killboard.api.data.Entities.Category;
import dev.killboard.api.data.Entities.ItemGroup;
import dev.killboard.api.data.Entities.ItemType;
import dev.killboard.api.limits.PageRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Set;

/** Categories, item groups and types. */
public final class ItemRepository {
  static final String CATEGORY_COLUMNS = "c.id, c.name, c.published, c.created_at, c.updated_at";
  static final String GROUP_COLUMNS =
      "g.id, g.name, g.category_id, g.published, g.created_at, g.updated_at";
  static final String TYPE_COLUMNS =
      "t.id, t.name, t.description, t.group_id, t.published, t.volume, t.capacity, t.mass,"
          + " t.icon_id, t.created_at, t.updated_at";

  private final Sql sql;
  private final PagePlanner pages;

  public ItemRepository(Sql sql, PagePlanner pages) {
    this.sql = sql;
    this.pages = pages;
  }

  /** The types list's filter; {@code search} matches anywhere in the name, case-insensitively. */
  public record TypeFilter(String search, Integer groupId, Boolean published) {}

  /** The item groups list's filter. */
  public record ItemGroupFilter(String search, Integer categoryId, Boolean published) {}

  /** The categories list's filter. */
  public record CategoryFilter(String search, Boolean published) {}

  static Category category(Row r) {
    return new Category(
        r.getInteger("id"),
        r.getString("name"),
        r.getBoolean("published"),
        Sql.iso(r, "created_at"),
        Sql.iso(r, "updated_at"));
  }

  static ItemGroup group(Row r) {
    return new ItemGroup(
        r.getInteger("id"),
        r.getString("name"),
        r.getInteger("category_id"),
        r.getBoolean("published"),
        Sql.iso(r, "created_at"),
        Sql.iso(r, "updated_at"));
  }

  static ItemType type(Row r) {
    return new ItemType(
        r.getInteger("id"),
        r.getString("name"),
        r.getString("description"),
        r.getInteger("group_id"),
        r.getBoolean("published"),
        r.getDouble("volume"),
        r.getDouble("capacity"),
        r.getDouble("mass"),
        r.getInteger("icon_id"),
        Sql.iso(r, "created_at"),
        Sql.iso(r, "updated_at"));
  }

  public Future<List<Category>> categories(Set<Integer> ids) {
    return sql.list(
        "SELECT " + CATEGORY_COLUMNS + " FROM categories c WHERE c.id = ANY($1)",
        Ids.tuple(ids),
        ItemRepository::category);
  }

  public Future<List<ItemGroup>> groups(Set<Integer> ids) {
    return sql.list(
        "SELECT " + GROUP_COLUMNS + " FROM item_groups g WHERE g.id = ANY($1)",
        Ids.tuple(ids),
        ItemRepository::group);
  }

  public Future<List<ItemGroup>> groupsOfCategories(Set<Integer> categoryIds) {
    return sql.list(
        "SELECT "
            + GROUP_COLUMNS
            + " FROM item_groups g WHERE g.category_id = ANY($1) ORDER BY g.name, g.id",
        Ids.tuple(categoryIds),
        ItemRepository::group);
  }

  public Future<List<ItemType>> types(Set<Integer> ids) {
    return sql.list(
        "SELECT " + TYPE_COLUMNS + " FROM types t WHERE t.id = ANY($1)",
        Ids.tuple(ids),
        ItemRepository::type);
  }

  public Future<List<ItemType>> typesOfGroups(Set<Integer> groupIds) {
    return sql.list(
        "SELECT " + TYPE_COLUMNS + " FROM types t WHERE t.group_id = ANY($1) ORDER BY t.name, t.id",
        Ids.tuple(groupIds),
        ItemRepository::type);
  }

  public Future<Connection<ItemType>> list(TypeFilter f, PageRequest page) {
    ListQuery<ItemType> q = ListQuery.of(TYPE_COLUMNS, "types t", ItemRepository::type);
    if (f.search() != null) {
      q = q.where("t.name ILIKE ?", Sql.containsPattern(f.search()));
    }
    if (f.groupId() != null) {
      q = q.where("t.group_id = ?", f.groupId());
    }
    if (f.published() != null) {
      q = q.where("t.published = ?", f.published());
    }
    return pages.page(q.orderBy("t.name, t.id"), page);
  }

  public Future<Connection<ItemGroup>> list(ItemGroupFilter f, PageRequest page) {
    ListQuery<ItemGroup> q = ListQuery.of(GROUP_COLUMNS, "item_groups g", ItemRepository::group);
    if (f.search() != null) {
      q = q.where("g.name ILIKE ?", Sql.containsPattern(f.search()));
    }
    if (f.categoryId() != null) {
      q = q.where("g.category_id = ?", f.categoryId());
    }
    if (f.published() != null) {
      q = q.where("g.published = ?", f.published());
    }
    return pages.page(q.orderBy("g.name, g.id"), page);
  }

  public Future<Connection<Category>> list(CategoryFilter f, PageRequest page) {
    ListQuery<Category> q =
        ListQuery.of(CATEGORY_COLUMNS, "categories c", ItemRepository::category);
    if (f.search() != null) {
      q = q.where("c.name ILIKE ?", Sql.containsPattern(f.search()));
    }
    if (f.published() != null) {
      q = q.where("c.published = ?", f.published());
    }
    return pages.page(q.orderBy("c.name, c.id"), page);
  }
}
