package dev.killboard.cli.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.cli.KillboardCommand;
import dev.killboard.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of {@code topology up} and {@code status} that start nothing: processes on other hosts.
 */
class TopologyCommandTest {
  @TempDir Path dir;

  @Test
  void upPrintsTheCommandForOtherHostsWithoutSecretsAndStatusShowsThemRemote() throws IOException {
    Path file = dir.resolve("remote.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "env: {DATABASE_URL: 'postgresql://kb:hunter2@db:5432/kb', KILLBOARD_TOKEN_KEY: s3cr3t, KILLBOARD_HEAP: 256m}",
            "processes:",
            "  - {name: characters, verticle: 'worker:info-characters', instances: 3, host: kb-3}",
            ""));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    String home = System.getProperty("killboard.home");
    System.setProperty("killboard.home", dir.toString());
    try {
      // The file's DATABASE_URL points at no server here: validate notes it could not check the
      // limits.
      Map<String, String> env =
          Map.of(
              TopologyCommand.STATE_DIR,
              dir.resolve("state").toString(),
              "KILLBOARD_DB_URL",
              "postgresql://kb@127.0.0.1:1/kb");
      assertThat(TopologyCommand.run(new String[] {"up", file.toString()}, env, print, print))
          .isEqualTo(KillboardCommand.OK);
      String up = out.toString(StandardCharsets.UTF_8);
      assertThat(up)
          .contains(
              "characters: runs on kb-3 (not started from here); there, run:",
              "DATABASE_URL=<from "
                  + file
                  + "> KILLBOARD_TOKEN_KEY=<from "
                  + file
                  + "> KILLBOARD_HEAP=256m killboard run"
                  + " worker:info-characters -instances 3")
          .doesNotContain("hunter2")
          .doesNotContain("s3cr3t");
      assertThat(dir.resolve("state").resolve("characters.pid")).doesNotExist();
      out.reset();
      assertThat(TopologyCommand.run(new String[] {"status", file.toString()}, env, print, print))
          .isEqualTo(KillboardCommand.OK);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .containsPattern("characters +- +remote +worker:info-characters on kb-3");
    } finally {
      if (home == null) {
        System.clearProperty("killboard.home");
      } else {
        System.setProperty("killboard.home", home);
      }
    }
  }

  @Test
  void aWrongStartTimeoutStopsUpWithOneMessageAndTheOldVariableStillCounts() throws IOException {
    Path file = dir.resolve("local.yaml");
    Files.writeString(
        file, "processes:\n  - {name: characters, verticle: 'worker:info-characters'}\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    Map<String, String> env =
        Map.of(
            "KILLBOARD_TOPOLOGY_START",
            "soon",
            "KILLBOARD_DB_URL",
            "postgresql://kb@127.0.0.1:1/kb");
    assertThat(TopologyCommand.run(new String[] {"up", file.toString()}, env, print, print))
        .isEqualTo(KillboardCommand.CONFIG_ERROR);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text.split("KILLBOARD_TOPOLOGY_START='soon' is not a duration", -1)).hasSize(2);

    assertThat(
            Env.read(Map.of("KILLBOARD_TOPOLOGY_START_SECONDS", "30"), TopologySettings::from)
                .startTimeout())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(Env.read(Map.of(), TopologySettings::from).startTimeout())
        .isEqualTo(Duration.ofMinutes(3));
  }
}
