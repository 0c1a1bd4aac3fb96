package dev.killboard.api.dataloaders;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.dataloader.DataLoader;
import org.dataloader.DataLoaderFactory;
import org.dataloader.DataLoaderOptions;
import org.dataloader.DataLoaderRegistry;
import org.dataloader.MappedBatchLoader;

/**
 * The DataLoaders of one GraphQL execution. Every entity edge of the schema loads through one of
 * them, so a page of N rows costs one statement per edge kind and level, never one per row.
 * Registered by name; the batch functions come from {@link LoaderCatalog}.
 */
public final class Loaders {
  /** Largest key set one statement is sent with; larger batches are split. */
  static final int MAX_BATCH = 500;

  // Immutable, so built once rather than per loader and request (a request registers every loader).
  private static final DataLoaderOptions CACHING =
      DataLoaderOptions.newOptions().setCachingEnabled(true).setMaxBatchSize(MAX_BATCH).build();
  private static final DataLoaderOptions NOT_CACHING =
      DataLoaderOptions.newOptions().setCachingEnabled(false).setMaxBatchSize(MAX_BATCH).build();

  private final DataLoaderRegistry registry = new DataLoaderRegistry();
  private final boolean caching;
  private final Map<String, Function<Set<Object>, Future<Map<Object, Object>>>> batches;

  Loaders(
      boolean caching, Map<String, Function<Set<Object>, Future<Map<Object, Object>>>> batches) {
    this.caching = caching;
    this.batches = batches;
  }

  /** The registry handed to graphql-java, which dispatches it level by level. */
  public DataLoaderRegistry registry() {
    return registry;
  }

  /** A loader over the named batch function, registered on first use. */
  private DataLoader<Object, Object> loader(String name) {
    Function<Set<Object>, Future<Map<Object, Object>>> batch = batches.get(name);
    if (batch == null) {
      throw new IllegalStateException("no DataLoader named " + name);
    }
    MappedBatchLoader<Object, Object> loader = keys -> batch.apply(keys).toCompletionStage();
    return DataLoaderFactory.newMappedDataLoader(loader, caching ? CACHING : NOT_CACHING);
  }

  /** Loads one value by key through the named loader; a null key yields null without a query. */
  public <K, V> CompletableFuture<V> load(String name, K key) {
    if (key == null) {
      return CompletableFuture.completedFuture(null);
    }
    @SuppressWarnings("unchecked")
    DataLoader<K, V> loader =
        (DataLoader<K, V>) (DataLoader<?, ?>) registry.computeIfAbsent(name, this::loader);
    return loader.load(key);
  }

  /** Loads a list-valued key (one-to-many edges); an absent key yields an empty list. */
  public <K, V> CompletableFuture<List<V>> loadList(String name, K key) {
    if (key == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletableFuture<List<V>> f = load(name, key);
    return f.thenApply(list -> list == null ? List.of() : list);
  }

  /** Groups rows by a key into the map a one-to-many batch returns. */
  public static <K, V> Map<K, List<V>> groupBy(List<V> rows, Function<V, K> keyOf) {
    Map<K, List<V>> out = new HashMap<>();
    for (V row : rows) {
      out.computeIfAbsent(keyOf.apply(row), k -> new ArrayList<>()).add(row);
    }
    return out;
  }

  /** Indexes rows by their key into the map a one-to-one batch returns. */
  public static <K, V> Map<K, V> indexBy(List<V> rows, Function<V, K> keyOf) {
    Map<K, V> out = new HashMap<>(rows.size() * 2);
    for (V row : rows) {
      out.put(keyOf.apply(row), row);
    }
    return out;
  }
}
