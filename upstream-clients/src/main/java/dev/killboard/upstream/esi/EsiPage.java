package dev.killboard.upstream.esi;

import java.util.List;

/**
 * One page of a paged ESI route.
 *
 * @param items the page's entries
 * @param page this page's number (from 1)
 * @param pages the page count ESI reported in {@code X-Pages}
 */
public record EsiPage<T>(List<T> items, int page, int pages) {
  /** Whether pages follow this one. */
  public boolean hasNext() {
    return page < pages;
  }
}
