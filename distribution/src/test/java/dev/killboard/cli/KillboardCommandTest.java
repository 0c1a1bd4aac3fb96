package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.cluster.ClusterSettings;
import dev.killboard.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KillboardCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int execute(Map<String, String> env, String... args) {
    return KillboardCommand.execute(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    assertThat(execute(Map.of(), "--help")).isEqualTo(KillboardCommand.OK);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Usage: killboard", "run <verticle>", "migrate", "budget status", "Exit status");
  }

  @Test
  void noCommandOrUnknownOneIsAUsageError() {
    assertThat(execute(Map.of())).isEqualTo(KillboardCommand.USAGE);
    assertThat(execute(Map.of(), "deploy", "up")).isEqualTo(KillboardCommand.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown command 'deploy'", "Usage: killboard");
  }

  @Test
  void runWithoutVerticleAndBudgetWithoutStatusAreUsageErrors() {
    assertThat(execute(Map.of(), "run")).isEqualTo(KillboardCommand.USAGE);
    assertThat(execute(Map.of(), "run", "-instances", "2")).isEqualTo(KillboardCommand.USAGE);
    assertThat(execute(Map.of(), "budget")).isEqualTo(KillboardCommand.USAGE);
    assertThat(execute(Map.of(), "budget", "show")).isEqualTo(KillboardCommand.USAGE);
    assertThat(execute(Map.of(), "budget", "status", "--xml")).isEqualTo(KillboardCommand.USAGE);
    assertThat(execute(Map.of(), "budget", "status", "--json", "extra"))
        .isEqualTo(KillboardCommand.USAGE);
    assertThat(execute(Map.of(), "migrate", "now")).isEqualTo(KillboardCommand.USAGE);
  }

  @Test
  void invalidSettingsAreConfigErrorsNamingTheVariable() {
    assertThat(execute(Map.of("KILLBOARD_LOG_FORMAT", "xml"), "budget", "status"))
        .isEqualTo(KillboardCommand.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("KILLBOARD_LOG_FORMAT='xml'");
    assertThat(execute(Map.of(ClusterSettings.ENV_CP_MEMBERS, "2"), "budget", "status"))
        .isEqualTo(KillboardCommand.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("KILLBOARD_CP_MEMBERS=2");
    // The migration command's "bad configuration" (2) is this command's configuration error (3),
    // not a usage error.
    assertThat(execute(Map.of(), "migrate")).isEqualTo(KillboardCommand.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("KILLBOARD_DB_URL");
    // Checked before the launcher starts anything.
    assertThat(execute(Map.of("KILLBOARD_MANAGEMENT_PORT", "ninety"), "run", "api"))
        .isEqualTo(KillboardCommand.CONFIG_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("KILLBOARD_MANAGEMENT_PORT='ninety'");
  }

  @Test
  void runResolvesApiAndAddsClusterUnlessGiven() {
    assertThat(KillboardCommand.launcherArgs(new String[] {"api", "-instances", "2"}))
        .containsExactly(KillboardCommand.API_VERTICLE, "-instances", "2", "-cluster");
    assertThat(KillboardCommand.launcherArgs(new String[] {"worker:production"}))
        .containsExactly("worker:production", "-cluster");
    assertThat(
            KillboardCommand.launcherArgs(
                new String[] {"worker:info-characters", "--cluster", "-instances", "3"}))
        .containsExactly("worker:info-characters", "--cluster", "-instances", "3");
  }

  @Test
  void budgetClientTriesEachMemberWithPortOrTheFirstThreePorts() {
    ClusterSettings s =
        Env.read(
            Map.of(
                ClusterSettings.ENV_MEMBERS,
                "10.0.0.1,10.0.0.2:5801,fd00::1",
                ClusterSettings.ENV_PORT,
                "5711"),
            ClusterSettings::from);
    assertThat(BudgetStatusCommand.clientAddresses(s))
        .containsExactly(
            "10.0.0.1:5711",
            "10.0.0.1:5712",
            "10.0.0.1:5713",
            "10.0.0.2:5801",
            "[fd00::1]:5711",
            "[fd00::1]:5712",
            "[fd00::1]:5713");
  }
}
