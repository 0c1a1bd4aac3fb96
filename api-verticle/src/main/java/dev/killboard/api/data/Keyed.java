package dev.killboard.api.data;

/** A value loaded for a key (statistics of a region, counts of an alliance...). */
public record Keyed<V>(int key, V value) {}
