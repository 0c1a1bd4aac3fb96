package dev.killboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {
  enum Mode {
    WARN,
    FAIL,
    OFF
  }

  @Test
  void oneDurationSyntaxInEveryForm() {
    assertThat(Env.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Env.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Env.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Env.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Env.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Env.parseDuration("pt1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Env.parseDuration("soon")).isNull();
  }

  @Test
  void oldIntegerVariablesStillWorkWithADeprecationWarningNamingTheNewOne() {
    Env env = Env.of(Map.of("X_TIMEOUT_MS", "1500"));
    assertThat(env.duration("X_TIMEOUT", "5s", "100ms", "2m").about("how long"))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(env.warnings())
        .containsExactly(
            "X_TIMEOUT_MS is deprecated; set X_TIMEOUT=1500ms instead (500ms, 30s,"
                + " 5m, 2h or PT30S).");
    Env seconds = Env.of(Map.of("Y_SECONDS", "7"));
    assertThat(seconds.duration("Y", "1s", "0ms", "1h").about("y"))
        .isEqualTo(Duration.ofSeconds(7));
    Env both = Env.of(Map.of("Y_SECONDS", "7", "Y", "9s"));
    assertThat(both.duration("Y", "1s", "0ms", "1h").about("y")).isEqualTo(Duration.ofSeconds(9));
    assertThat(both.warnings()).singleElement().asString().contains("ignored");
    Env wrong = Env.of(Map.of("Y_MS", "soon"));
    wrong.duration("Y", "1s", "0ms", "1h").about("y");
    assertThat(wrong.problems())
        .containsExactly(
            "Y_MS='soon' is not a duration; use e.g. 500ms, 30s, 5m, 2h or PT30S (default 1s): y.");
  }

  @Test
  void secretsNeverPrintAndCheckedConditionsAreProblems() {
    Env env = Env.of(Map.of("S", "hunter2"));
    Secret s = env.secret("S").about("s");
    assertThat(s.value()).isEqualTo("hunter2");
    assertThat(new Holder(s).toString()).doesNotContain("hunter2").contains("****");
    assertThat(Secret.reveal(env.secret("UNSET").about("u"))).isNull();
    assertThat(env.require(true, "fine")).isTrue();
    assertThat(env.require(false, "S and T disagree; set both.")).isFalse();
    assertThatThrownBy(env::check).hasMessage("S and T disagree; set both.");
  }

  record Holder(Secret secret) {}

  @Test
  void everyProblemIsListedAtOnceWithWhatToChange() {
    Env env =
        Env.of(
            Map.of(
                "A", "x", "B", "0", "C", "maybe", "D", "later", "E", "loud", "F", "ftp://h", "G",
                "0.0"));
    env.integer("A", 5, 1, 10).about("a count");
    env.integer("B", 5, 1, 10).about("b count");
    env.bool("C", true).about("c flag");
    env.duration("D", Duration.ofSeconds(1), Duration.ZERO, Duration.ofMinutes(1)).about("d wait");
    env.choice("E", Mode.WARN).about("e mode");
    env.url("F", "https://example.com").about("f place");
    env.decimal("G", 2, 0, 10).about("g rate");
    assertThatThrownBy(env::check)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("7 problems")
        .hasMessageContaining(
            "A='x' is not a whole number; set a number from 1 to 10 (default 5): a count.")
        .hasMessageContaining("B=0 must be from 1 to 10 (default 5): b count.")
        .hasMessageContaining("C='maybe' must be true or false (default true)")
        .hasMessageContaining(
            "D='later' is not a duration; use e.g. 500ms, 30s, 5m, 2h or PT30S (default 1s)")
        .hasMessageContaining("E='loud' must be one of warn, fail, off (default warn)")
        .hasMessageContaining("F='ftp://h' must start with http:// or https://")
        .hasMessageContaining("G=0.0 must be above 0 and at most 10 (default 2)");
  }

  @Test
  void unsetAndBlankKeepDefaultsAndEveryVariableIsDeclaredOnce() {
    Env env = Env.of(Map.of("A", "  ", "L", "a, b,,c"));
    assertThat(env.integer("A", 5, 1, 10).about("a")).isEqualTo(5);
    assertThat(env.integer("A", 5, 1, 10).about("a")).isEqualTo(5);
    assertThat(env.list("L", List.of()).about("l")).containsExactly("a", "b", "c");
    assertThat(env.secret("S").about("s")).isNull();
    assertThat(env.choice("M", Mode.OFF).about("m")).isEqualTo(Mode.OFF);
    assertThat(env.declared()).extracting(Setting::name).containsExactly("A", "L", "S", "M");
    assertThat(env.declared()).first().isEqualTo(new Setting("A", "integer", "5", "1..10", "a"));
    env.check();
  }

  @Test
  void readChecksAfterTheReader() {
    assertThatThrownBy(() -> Env.read(Map.of("N", "99"), e -> e.integer("N", 1, 1, 9).about("n")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("N=99 must be from 1 to 9 (default 1): n.");
    int nine = Env.read(Map.of("N", "9"), e -> e.integer("N", 1, 1, 9).about("n"));
    assertThat(nine).isEqualTo(9);
  }
}
