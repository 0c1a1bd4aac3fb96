package dev.killboard.api.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetcherFactory;
import graphql.schema.DataFetcherFactoryEnvironment;
import graphql.schema.GraphQLFieldDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default data fetcher: reads a field from the Java object by the camelCase form of its name,
 * so the contract's snake_case fields ({@code member_count}) map onto ordinary record components
 * ({@code memberCount}).
 */
final class ContractNames implements DataFetcherFactory<Object> {
  /**
   * One reader per field definition (identity keys: definitions do not override equals).
   * graphql-java asks the default factory on every fetch, so a reader made per call would find its
   * accessor again every time.
   */
  private final Map<GraphQLFieldDefinition, PropertyReader> readers = new ConcurrentHashMap<>();

  @Override
  public DataFetcher<Object> get(DataFetcherFactoryEnvironment environment) {
    return get(environment.getFieldDefinition());
  }

  @Override
  public DataFetcher<Object> get(GraphQLFieldDefinition field) {
    PropertyReader reader = readers.get(field);
    return reader != null
        ? reader
        : readers.computeIfAbsent(field, f -> new PropertyReader(camelCase(f.getName())));
  }

  static String camelCase(String name) {
    if (name.indexOf('_') <= 0) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name.length());
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }
}
