package dev.killboard.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.api.errors.ApiException;
import org.junit.jupiter.api.Test;

/** Page arithmetic and cursor decoding, with the original's cursor format. */
class PageRequestTest {
  @Test
  void pageStyle() {
    PageRequest p = PageRequest.ofPage(3, 10, 25, 100);
    assertThat(p.offset()).isEqualTo(20);
    assertThat(p.limit()).isEqualTo(10);
    assertThat(PageRequest.ofPage(null, null, 25, 100)).isEqualTo(new PageRequest(1, 25, 0));
    assertThatThrownBy(() -> PageRequest.ofPage(0, 10, 25, 100)).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> PageRequest.ofPage(1, 101, 25, 100))
        .hasMessageContaining("between 1 and 100");
    assertThatThrownBy(() -> PageRequest.ofPage(Integer.MAX_VALUE, 100, 25, 100))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void cursorStyleReadsTheOriginalsCursors() {
    // The original's killmail cursor of the 5th row (position 4) is base64("5"): passing it skips 5
    // rows.
    PageRequest p = PageRequest.ofCursor(5, PageRequest.cursor(5), 25, 100);
    assertThat(p.offset()).isEqualTo(5);
    assertThat(p.page()).isEqualTo(2);
    assertThat(PageRequest.ofCursor(null, null, 25, 100).offset()).isZero();
    assertThatThrownBy(() -> PageRequest.ofCursor(5, "!!!", 25, 100))
        .isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> PageRequest.ofCursor(5, PageRequest.cursor(-1), 25, 100))
        .isInstanceOf(ApiException.class);
  }
}
