package dev.killboard.backfill;

/**
 * One entry of a source file: its position ({@code index}, counted from 0 over the file's killmail
 * entries), its name for messages, and its bytes; {@code problem} is set instead of bytes when the
 * entry could not even be read whole (e.g. too large).
 */
record ArchiveEntry(long index, String name, byte[] content, String problem) {}
