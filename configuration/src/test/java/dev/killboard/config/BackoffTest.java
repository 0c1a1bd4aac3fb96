package dev.killboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared backoff: doubling, capped, jitter within [ceiling/2, ceiling]. */
class BackoffTest {

  @Test
  void doublesUpToTheCapWithoutJitter() {
    Backoff b = Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(60));
    assertThat(b.delayMillis(0)).isEqualTo(500);
    assertThat(b.delayMillis(1)).isEqualTo(500);
    assertThat(b.delayMillis(2)).isEqualTo(1000);
    assertThat(b.delayMillis(7)).isEqualTo(32_000);
    assertThat(b.delayMillis(8)).isEqualTo(60_000);
    assertThat(b.delayMillis(Integer.MAX_VALUE)).isEqualTo(60_000);
    assertThat(b.delay(3)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void jitterStaysWithinHalfAndAllOfTheCeiling() {
    Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(800)).withJitter();
    for (int attempt = 1; attempt <= 6; attempt++) {
      long ceiling = b.ceilingMillis(attempt);
      for (int i = 0; i < 200; i++) {
        assertThat(b.delayMillis(attempt)).isBetween(ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void aMaxBelowTheBaseIsRaisedToIt() {
    Backoff b = Backoff.exponential(Duration.ofMillis(300), Duration.ofMillis(100));
    assertThat(b.delayMillis(5)).isEqualTo(300);
    assertThat(b.max()).isEqualTo(Duration.ofMillis(300));
  }
}
