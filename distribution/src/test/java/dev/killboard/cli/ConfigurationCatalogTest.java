package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigurationCatalogTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void docsConfigurationMdIsGeneratedFromTheSettingsRecords() throws Exception {
    String generated = ConfigurationCatalog.markdown();
    if (Boolean.getBoolean("killboard.writeDocs")) {
      Files.writeString(DOC, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "")
        .as(
            "docs/configuration.md is stale; regenerate it with: mvn -B -o -q -pl distribution -am verify"
                + " -Dtest=ConfigurationCatalogTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs"
                + " -Dkillboard.writeDocs=true")
        .isEqualTo(generated);
    assertThat(generated)
        .contains(
            "| `KILLBOARD_DB_URL` | secret |",
            "| `KILLBOARD_QUEUE_VISIBILITY_TIMEOUT` | duration" + " | `1m` |",
            "`X_MS` and `X_SECONDS` are still read",
            "| workers, api, backfill |");
  }
}
