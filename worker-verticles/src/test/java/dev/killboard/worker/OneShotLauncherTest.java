package dev.killboard.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.killboard.testing.ClusterTest;
import org.junit.jupiter.api.Test;

/** A one-shot launched alone by name runs, gives its permits back and lets the process exit. */
@ClusterTest
class OneShotLauncherTest {

  @Test
  void oneShotProcessExitsWhenDone() throws Exception {
    WorkerHarness h = WorkerHarness.get();
    h.reset();
    try (ChildLauncher child = new ChildLauncher(h, "worker:races", "-cluster")) {
      int exit = child.awaitExit(120);
      assertThat(exit).as(child.output()).isZero();
      assertThat(child.linesContaining("one-shot done worker=races#1"))
          .as(child.output())
          .isEqualTo(1);
    }
    assertThat(h.count("SELECT count(*) FROM races")).isEqualTo(h.fakes.universe().races().size());
  }
}
