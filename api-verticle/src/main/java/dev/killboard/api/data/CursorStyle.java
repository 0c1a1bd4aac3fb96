package dev.killboard.api.data;

/**
 * How an edge cursor is derived from a row: its position in the list or its id (see docs/api.md).
 */
public enum CursorStyle {
  /** base64(position), 0-based: the original's alliances, characters, universe and item lists. */
  POSITION,
  /** base64(position + 1): the original's killmail lists. */
  POSITION_PLUS_ONE,
  /** base64(id): the original's corporation list. */
  ID
}
