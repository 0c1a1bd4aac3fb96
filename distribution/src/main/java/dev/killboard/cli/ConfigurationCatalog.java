package dev.killboard.cli;

import dev.killboard.api.config.ApiSettings;
import dev.killboard.backfill.BackfillSettings;
import dev.killboard.budget.BudgetSettings;
import dev.killboard.cli.topology.TopologySettings;
import dev.killboard.cluster.ClusterSettings;
import dev.killboard.config.Env;
import dev.killboard.config.Setting;
import dev.killboard.management.ManagementSettings;
import dev.killboard.queue.QueueSettings;
import dev.killboard.schema.MigrationSettings;
import dev.killboard.upstream.UpstreamSettings;
import dev.killboard.upstream.sso.TokenCipher;
import dev.killboard.worker.framework.WorkerSettings;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every environment variable of every deployable, as the settings records declare them: rendered
 * into docs/configuration.md (ConfigurationCatalogTest fails when that file is stale).
 */
public final class ConfigurationCatalog {
  private record Reader(String deployable, Function<Env, ?> read) {}

  // Workers first: their reading of KILLBOARD_USER_AGENT (required) is the one the table shows.
  private static final List<Reader> READERS =
      List.of(
          new Reader("workers", WorkerSettings::from),
          new Reader("workers", ClusterSettings::from),
          new Reader("workers", TokenCipher::key),
          new Reader("api", ApiSettings::from),
          new Reader("api", BudgetSettings::from),
          new Reader("api", QueueSettings::from),
          new Reader("api", ClusterSettings::from),
          new Reader("backfill", BackfillSettings::batchSize),
          new Reader("backfill", BackfillSettings::hashes),
          new Reader("backfill", BudgetSettings::from),
          new Reader("backfill", ClusterSettings::from),
          new Reader("backfill", UpstreamSettings::from),
          new Reader("migrate", MigrationSettings::from),
          new Reader("api, workers", ManagementSettings::from),
          new Reader("topology", TopologySettings::from),
          new Reader("every command", LogSettings::from));

  private ConfigurationCatalog() {}

  /** Prints docs/configuration.md. */
  public static void main(String[] args) {
    System.out.print(markdown());
  }

  /** The whole of docs/configuration.md. */
  public static String markdown() {
    Map<String, Setting> settings = new TreeMap<>();
    Map<String, Set<String>> readers = new TreeMap<>();
    for (Reader reader : READERS) {
      Env env = Env.of(Map.of());
      reader.read().apply(env);
      for (Setting s : env.declared()) {
        settings.putIfAbsent(s.name(), s);
        readers.computeIfAbsent(s.name(), n -> new LinkedHashSet<>()).add(reader.deployable());
      }
    }
    StringBuilder md =
        new StringBuilder(
            """
        # Configuration

        <!-- Generated from the settings records by ConfigurationCatalog; do not edit. Regenerate with:
             mvn -B -o -q -pl distribution -am verify -Dtest=ConfigurationCatalogTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dkillboard.writeDocs=true -->

        Every process reads its settings from environment variables, checks all of them at start and, when any is
        wrong, refuses to start with one message that lists every problem and what to change. A blank variable counts
        as unset. Durations are written `500ms`, `30s`, `5m`, `2h`, `1d` or ISO-8601 (`PT30S`); for every duration
        variable `X`, the older integer variables `X_MS` and `X_SECONDS` are still read, with a warning naming `X`.
        Secrets (type `secret`) never appear in logs or messages.

        | Variable | Type | Default | Range | Read by | Description |
        |---|---|---|---|---|---|
        """);
    settings
        .values()
        .forEach(
            s ->
                md.append("| `")
                    .append(s.name())
                    .append("` | ")
                    .append(s.type())
                    .append(" | ")
                    .append(s.defaultValue().isEmpty() ? "" : "`" + s.defaultValue() + "`")
                    .append(" | ")
                    .append(cell(s.range()))
                    .append(" | ")
                    .append(String.join(", ", readers.get(s.name())))
                    .append(" | ")
                    .append(cell(s.description()))
                    .append(" |\n"));
    return md.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
