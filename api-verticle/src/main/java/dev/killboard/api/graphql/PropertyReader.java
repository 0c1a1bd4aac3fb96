package dev.killboard.api.graphql;

import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.LightDataFetcher;
import graphql.schema.PropertyDataFetcher;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads one property of the source object: a record component or getter, or a map entry. The
 * accessor is found once per source class and kept (a field almost always sees one class), where
 * graphql-java's PropertyDataFetcher builds and hashes a cache key string on every fetch: a page
 * reads about 1,500 properties. Anything else (public fields) falls back to PropertyDataFetcher.
 */
final class PropertyReader implements LightDataFetcher<Object> {
  private final String property;
  private final PropertyDataFetcher<Object> fallback;
  private volatile Accessor cached;

  /** The accessor of one class; {@code method} is null when only the fallback can read it. */
  private record Accessor(Class<?> type, Method method) {}

  PropertyReader(String property) {
    this.property = property;
    this.fallback = PropertyDataFetcher.fetching(property);
  }

  @Override
  public Object get(
      GraphQLFieldDefinition field, Object source, Supplier<DataFetchingEnvironment> environment) {
    if (source == null) {
      return null;
    }
    if (source instanceof Map<?, ?> map) {
      return map.get(property);
    }
    Accessor accessor = cached;
    if (accessor == null || accessor.type() != source.getClass()) {
      accessor = new Accessor(source.getClass(), find(source.getClass()));
      cached = accessor;
    }
    try {
      if (accessor.method() == null) {
        return fallback.get(field, source, environment);
      }
      return accessor.method().invoke(source);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(
          "cannot read " + property + " of " + source.getClass().getName(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot read " + property + " of " + source.getClass().getName(), e);
    }
  }

  @Override
  public Object get(DataFetchingEnvironment environment) {
    return get(environment.getFieldDefinition(), environment.getSource(), () -> environment);
  }

  private Method find(Class<?> type) {
    String capitalised = Character.toUpperCase(property.charAt(0)) + property.substring(1);
    for (String name : new String[] {property, "get" + capitalised, "is" + capitalised}) {
      try {
        Method m = type.getMethod(name);
        if (m.getReturnType() != void.class && m.trySetAccessible()) {
          return m;
        }
      } catch (NoSuchMethodException e) {
        // try the next form
      }
    }
    return null;
  }
}
