package dev.killboard.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class EmbeddedRedisTest {

  @Test
  void answersPingOnLoopback() throws IOException {
    try (EmbeddedRedis redis = EmbeddedRedis.start();
        RespClient client = new RespClient(redis.port())) {
      assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
      assertThat(client.call("PING")).isEqualTo("PONG");
      assertThat(client.call("CONFIG", "GET", "bind")).isEqualTo("bind 127.0.0.1");
      assertThat(client.call("CONFIG", "GET", "appendonly")).isEqualTo("appendonly no");
    }
  }

  @Test
  void bindsAFurtherAddressOnlyWhenAsked() throws IOException {
    // 127.0.0.2 is a loopback address on Linux that nothing binds by default: it stands for a
    // bridge address.
    try (EmbeddedRedis plain = EmbeddedRedis.start()) {
      assertThatThrownBy(() -> new RespClient("127.0.0.2", plain.port()).close())
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> plain.uri("127.0.0.2")).hasMessageContaining("alsoBind");
    }
    try (EmbeddedRedis redis =
            EmbeddedRedis.start(EmbeddedRedis.Options.defaults().alsoBind("127.0.0.2"));
        RespClient client = new RespClient("127.0.0.2", redis.port())) {
      assertThat(redis.uri("127.0.0.2")).isEqualTo("redis://127.0.0.2:" + redis.port());
      assertThat(client.call("PING")).isEqualTo("PONG");
      assertThat(client.call("CONFIG", "GET", "bind")).isEqualTo("bind 127.0.0.1 127.0.0.2");
    }
    assertThatThrownBy(() -> EmbeddedRedis.Options.defaults().alsoBind("0.0.0.0/8"))
        .hasMessageContaining("IPv4");
  }

  @Test
  void stopRefusesConnectionsAndRestartComesBackOnTheSamePort() throws IOException {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      int port = redis.port();
      redis.stop();
      assertThatThrownBy(() -> new RespClient(port).close()).isInstanceOf(IOException.class);
      redis.restart();
      assertThat(redis.port()).isEqualTo(port);
      try (RespClient client = new RespClient(port)) {
        assertThat(client.call("PING")).isEqualTo("PONG");
      }
    }
  }

  @Test
  void nonPersistentRestartStartsEmpty() throws IOException {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      try (RespClient client = new RespClient(redis.port())) {
        assertThat(client.call("SET", "k", "v")).isEqualTo("OK");
      }
      redis.restart();
      try (RespClient client = new RespClient(redis.port())) {
        assertThat(client.call("GET", "k")).isNull();
      }
    }
  }

  @Test
  void persistentRestartKeepsData() throws IOException {
    try (EmbeddedRedis redis = EmbeddedRedis.startPersistent()) {
      assertThat(redis.persistent()).isTrue();
      try (RespClient client = new RespClient(redis.port())) {
        assertThat(client.call("SET", "killmail:1", "payload")).isEqualTo("OK");
        assertThat(client.call("XADD", "jobs", "*", "id", "1")).isNotBlank();
      }
      redis.restart();
      try (RespClient client = new RespClient(redis.port())) {
        assertThat(client.call("GET", "killmail:1")).isEqualTo("payload");
        assertThat(client.call("XLEN", "jobs")).isEqualTo("1");
      }
    }
  }

  @Test
  void killNineWithFsyncAlwaysKeepsEveryAcknowledgedWrite() throws IOException {
    try (EmbeddedRedis redis =
        EmbeddedRedis.start(EmbeddedRedis.Options.defaults().appendOnly(true).fsyncAlways(true))) {
      int port = redis.port();
      try (RespClient client = new RespClient(port)) {
        for (int i = 0; i < 200; i++) {
          assertThat(client.call("RPUSH", "jobs", Integer.toString(i)))
              .isEqualTo(Integer.toString(i + 1));
        }
      }
      // No pause between the last acknowledged write and the SIGKILL: everysec could lose it,
      // always must not.
      redis.kill();
      assertThatThrownBy(() -> new RespClient(port).close()).isInstanceOf(IOException.class);
      redis.startAgain();
      try (RespClient client = new RespClient(port)) {
        assertThat(client.call("LLEN", "jobs")).isEqualTo("200");
        assertThat(client.call("LINDEX", "jobs", "-1")).isEqualTo("199");
      }
    }
  }

  @Test
  void fixedPortIsUsed() throws IOException {
    int port;
    try (EmbeddedRedis probe = EmbeddedRedis.start()) {
      port = probe.port();
    }
    try (EmbeddedRedis redis = EmbeddedRedis.start(port);
        RespClient client = new RespClient(port)) {
      assertThat(redis.port()).isEqualTo(port);
      assertThat(client.call("PING")).isEqualTo("PONG");
    }
  }
}
