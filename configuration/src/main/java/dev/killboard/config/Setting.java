package dev.killboard.config;

/** One environment variable as a settings record declares it: a row of docs/configuration.md. */
public record Setting(
    String name, String type, String defaultValue, String range, String description) {}
