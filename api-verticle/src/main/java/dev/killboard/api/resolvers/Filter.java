package dev.killboard.api.resolvers;

import dev.killboard.api.config.QueryLimits;
import dev.killboard.api.errors.ApiException;
import dev.killboard.api.limits.PageRequest;
import graphql.schema.DataFetchingEnvironment;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Typed reads of a list's {@code filter} argument (already type-checked by graphql-java), with the
 * API's bounds.
 */
final class Filter {
  private final Map<String, Object> values;
  private final QueryLimits limits;

  private final int maxPageSize;

  private Filter(Map<String, Object> values, QueryLimits limits, int maxPageSize) {
    this.values = values == null ? Map.of() : values;
    this.limits = limits;
    this.maxPageSize = maxPageSize;
  }

  static Filter of(DataFetchingEnvironment env, QueryLimits limits) {
    return new Filter(
        env.getArgument("filter"), limits, limits.maxPageSizeOf(env.getField().getName()));
  }

  Integer integer(String name) {
    Object v = values.get(name);
    return v == null ? null : ((Number) v).intValue();
  }

  Double number(String name) {
    Object v = values.get(name);
    return v == null ? null : ((Number) v).doubleValue();
  }

  Boolean bool(String name) {
    return (Boolean) values.get(name);
  }

  /**
   * The {@code orderBy} argument as a repository's order: the contract's camelCase value ({@code
   * securityStatusAsc}) names the constant {@code SECURITY_STATUS_ASC}; graphql-java has already
   * refused values the list does not have.
   */
  <E extends Enum<E>> E order(Class<E> type, E fallback) {
    Object v = values.get("orderBy");
    return v == null ? fallback : Enum.valueOf(type, constantName(v.toString()));
  }

  static String constantName(String camelCase) {
    StringBuilder sb = new StringBuilder(camelCase.length() + 4);
    for (char c : camelCase.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_');
      }
      sb.append(Character.toUpperCase(c));
    }
    return sb.toString();
  }

  /** A text filter; blank means "not filtered" (as the original), too long is refused. */
  String text(String name) {
    Object v = values.get(name);
    if (v == null) {
      return null;
    }
    String s = v.toString().trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.length() > limits.maxSearchLength()) {
      throw ApiException.badInput(
          name + " is longer than " + limits.maxSearchLength() + " characters");
    }
    if (s.indexOf('\0') >= 0) {
      throw ApiException.badInput(name + " contains a NUL character");
    }
    return s;
  }

  /**
   * The contract's name-or-search pair: {@code name} wins when both are given, as in the original.
   */
  String nameOrSearch() {
    String name = text("name");
    return name != null ? name : text("search");
  }

  /** A date or instant filter ("2024-01-31" or an ISO-8601 instant). */
  OffsetDateTime instant(String name) {
    String s = text(name);
    if (s == null) {
      return null;
    }
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      return OffsetDateTime.ofInstant(Instant.parse(s), ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(s);
      } catch (DateTimeParseException e2) {
        throw ApiException.badInput(
            name + " is not a date (use 2024-01-31 or 2024-01-31T12:00:00Z)");
      }
    }
  }

  PageRequest page() {
    return PageRequest.ofPage(
        integer("page"), integer("limit"), limits.defaultPageSize(), maxPageSize);
  }
}
