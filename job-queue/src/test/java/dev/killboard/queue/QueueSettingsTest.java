package dev.killboard.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.config.ConfigurationException;
import dev.killboard.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueSettingsTest {

  @Test
  void defaultsMatchTheDocumentedValues() {
    QueueSettings s = Env.read(Map.of(), QueueSettings::from);
    assertThat(s.redisUrl().value()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(s.visibilityTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.maxAttempts()).isEqualTo(5);
    assertThat(s.backoffBase()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.backoffMax()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.consumerGroup()).isEqualTo("killboard");
  }

  @Test
  void readsEveryVariable() {
    QueueSettings s =
        Env.read(
            Map.ofEntries(
                Map.entry("KILLBOARD_REDIS_URL", "redis://10.0.0.5:6380/2"),
                Map.entry("KILLBOARD_QUEUE_GROUP", "workers"),
                Map.entry("KILLBOARD_QUEUE_VISIBILITY_TIMEOUT", "90s"),
                Map.entry("KILLBOARD_QUEUE_MAX_ATTEMPTS", "7"),
                Map.entry("KILLBOARD_QUEUE_BACKOFF_BASE", "250ms"),
                Map.entry("KILLBOARD_QUEUE_BACKOFF_MAX", "PT2M"),
                Map.entry("KILLBOARD_QUEUE_BLOCK_TIMEOUT", "1s"),
                Map.entry("KILLBOARD_QUEUE_HEARTBEAT_INTERVAL", "3s"),
                Map.entry("KILLBOARD_QUEUE_MAX_PAYLOAD_BYTES", "4096"),
                Map.entry("KILLBOARD_REDIS_RECONNECT_MIN", "20ms"),
                Map.entry("KILLBOARD_REDIS_RECONNECT_MAX", "1m"),
                Map.entry("KILLBOARD_REDIS_CONNECT_TIMEOUT", "3s"),
                Map.entry("KILLBOARD_REDIS_COMMAND_TIMEOUT", "4s")),
            QueueSettings::from);
    assertThat(s.redisUrl().value()).isEqualTo("redis://10.0.0.5:6380/2");
    assertThat(s.consumerGroup()).isEqualTo("workers");
    assertThat(s.visibilityTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.maxAttempts()).isEqualTo(7);
    assertThat(s.backoffBase()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.backoffMax()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.blockTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.maxPayloadBytes()).isEqualTo(4096);
    assertThat(s.reconnectMin()).isEqualTo(Duration.ofMillis(20));
    assertThat(s.reconnectMax()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void everyBadValueIsNamedInOneMessage() {
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of(
                        "KILLBOARD_QUEUE_MAX_ATTEMPTS", "0",
                        "KILLBOARD_QUEUE_VISIBILITY_TIMEOUT", "soon",
                        "KILLBOARD_QUEUE_BACKOFF_BASE", "10s",
                        "KILLBOARD_QUEUE_BACKOFF_MAX", "1s"),
                    QueueSettings::from))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("3 problems")
        .hasMessageContaining("KILLBOARD_QUEUE_MAX_ATTEMPTS=0 must be from 1 to 100 (default 5)")
        .hasMessageContaining(
            "KILLBOARD_QUEUE_VISIBILITY_TIMEOUT='soon' is not a duration; use e.g. 500ms, 30s")
        .hasMessageContaining(
            "KILLBOARD_QUEUE_BACKOFF_MAX=1s is below KILLBOARD_QUEUE_BACKOFF_BASE=10s");
  }

  @Test
  void rejectsOutOfRangeDurationsAndNonNumbers() {
    assertThatThrownBy(
            () ->
                Env.read(Map.of("KILLBOARD_QUEUE_VISIBILITY_TIMEOUT", "5ms"), QueueSettings::from))
        .hasMessageContaining(
            "KILLBOARD_QUEUE_VISIBILITY_TIMEOUT=5ms must be from 100ms to 1d (default 1m)");
    assertThatThrownBy(
            () -> Env.read(Map.of("KILLBOARD_QUEUE_MAX_ATTEMPTS", "five"), QueueSettings::from))
        .hasMessageContaining("KILLBOARD_QUEUE_MAX_ATTEMPTS='five' is not a whole number");
    assertThatThrownBy(
            () ->
                Env.read(
                    Map.of(
                        "KILLBOARD_REDIS_RECONNECT_MIN",
                        "5s",
                        "KILLBOARD_REDIS_RECONNECT_MAX",
                        "1s"),
                    QueueSettings::from))
        .hasMessageContaining("KILLBOARD_REDIS_RECONNECT_MAX=1s is below");
  }

  @Test
  void rejectsBadRedisUrlsWithoutShowingThePassword() {
    assertThatThrownBy(() -> redis("http://user:hunter2@cache:6379"))
        .hasMessageContaining("KILLBOARD_REDIS_URL 'http://user:***@cache:6379' has scheme 'http'")
        .hasMessageContaining("use redis://host:port")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> redis("redis://cache:99999")).hasMessageContaining("has port 99999");
    assertThatThrownBy(() -> redis("redis://cache:6379/abc"))
        .hasMessageContaining("selects database 'abc'");
    assertThat(redis(" ").redisUrl().value()).isEqualTo("redis://127.0.0.1:6379");
  }

  @Test
  void logsNeverShowThePassword() {
    QueueSettings s = redis("redis://default:s3cret@cache:6379");
    assertThat(s.redisUrlForLogs()).isEqualTo("redis://default:***@cache:6379");
    assertThat(s.toString()).doesNotContain("s3cret");
  }

  private static QueueSettings redis(String url) {
    return Env.read(Map.of(QueueSettings.ENV_REDIS_URL, url), QueueSettings::from);
  }

  @Test
  void consumerOptionsAreValidated() {
    assertThatThrownBy(() -> new ConsumerOptions().concurrency(0).validate())
        .hasMessageContaining("ConsumerOptions.concurrency must be between 1 and 1000 (was 0)");
    assertThatThrownBy(() -> new ConsumerOptions().name("two words").validate())
        .hasMessageContaining("ConsumerOptions.name 'two words' is invalid");
    assertThat(new ConsumerOptions().nameOrGenerated())
        .matches("[A-Za-z0-9_.\\-]+-\\d+-[0-9a-f]{8}");
  }

  @Test
  void queueNamesAreChecked() {
    assertThat(QueueName.requireValid("esi_character_info_queue"))
        .isEqualTo("esi_character_info_queue");
    assertThatThrownBy(() -> QueueName.requireValid("a{b}"))
        .hasMessageContaining("queue name 'a{b}' is invalid");
    assertThatThrownBy(() -> QueueName.requireValid("")).hasMessageContaining("is invalid");
  }
}
