package dev.killboard.api.graphql;

import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Parsed and validated documents by query text, so a client's repeated operation skips parsing and
 * validation. The depth, complexity and transport checks are instrumentations at operation start
 * and still run on every execution (they depend on variables and the transport). Only valid
 * documents are kept (hostile or broken texts would only crowd the useful ones out), at most {@code
 * maxEntries} of at most {@code maxQueryLength} characters; when full, the cache starts over
 * (operations a frontend sends are few, so it refills with them at once).
 */
final class DocumentCache implements PreparsedDocumentProvider {
  private final Map<Key, PreparsedDocumentEntry> entries = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final int maxQueryLength;

  DocumentCache(int maxEntries, int maxQueryLength) {
    this.maxEntries = maxEntries;
    this.maxQueryLength = maxQueryLength;
  }

  /** Validation messages depend on the locale, so it is part of the key. */
  private record Key(String query, Locale locale) {}

  @Override
  public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(
      ExecutionInput input, Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
    String query = input.getQuery();
    if (query == null || query.length() > maxQueryLength) {
      return CompletableFuture.completedFuture(parseAndValidate.apply(input));
    }
    Key key = new Key(query, input.getLocale());
    PreparsedDocumentEntry cached = entries.get(key);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    PreparsedDocumentEntry entry = parseAndValidate.apply(input);
    if (!entry.hasErrors()) {
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      entries.put(key, entry);
    }
    return CompletableFuture.completedFuture(entry);
  }

  int size() {
    return entries.size();
  }
}
