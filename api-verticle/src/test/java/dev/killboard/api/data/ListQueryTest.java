package dev.killboard.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.killboard.api.limits.PageRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A list query's statements as {@link PagePlanner} writes them, and the connections {@link Paging}
 * shapes.
 */
class ListQueryTest {
  private static final PagePlanner PLANNER = new PagePlanner(null, 1_000);
  private static final ListQuery<Integer> BASE =
      ListQuery.of("x.id", "things x", r -> r.getInteger("id")).orderBy("x.id");

  @Test
  void conditionsAreNumberedParametersAndEveryStepIsANewQuery() {
    ListQuery<Integer> filtered =
        BASE.where("x.a = ?", 7).where("(x.b ILIKE ? OR x.c ILIKE ?)", "%q%", "%q%");
    assertThat(BASE.conditions()).isEmpty();
    assertThat(filtered.conditions()).containsExactly("x.a = $1", "(x.b ILIKE $2 OR x.c ILIKE $3)");
    assertThat(filtered.args()).containsExactly(7, "%q%", "%q%");
    assertThat(PLANNER.pageStatement(filtered, new PageRequest(3, 25, 50)))
        .isEqualTo(
            "SELECT x.id FROM things x WHERE x.a = $1 AND (x.b ILIKE $2 OR x.c ILIKE $3) ORDER BY x.id LIMIT $4 OFFSET $5");
    assertThatThrownBy(() -> BASE.where("x.a = ? AND x.b = ?", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 placeholders for 1 values");
  }

  @Test
  void aCustomPlanInlinesIntegersOnly() {
    ListQuery<Integer> q = BASE.where("x.a = ?", 7).where("x.b = ?", 12L).customPlan();
    assertThat(PLANNER.pageStatement(q, new PageRequest(2, 10, 10)))
        .isEqualTo(
            "SELECT x.id FROM things x WHERE x.a = 7 AND x.b = 12 ORDER BY x.id LIMIT 11 OFFSET 10");
    ListQuery<Integer> text = BASE.where("x.name = ?", "'; DROP TABLE things; --").customPlan();
    assertThatThrownBy(() -> PLANNER.pageStatement(text, new PageRequest(1, 10, 0)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aStableEstimateIsFlaggedUntilTheLastPageProvesTheTotal() {
    PageRequest first = new PageRequest(1, 2, 0);
    Connection<Integer> estimated =
        Paging.connection(List.of(1, 2, 3), 5_000, true, first, CursorStyle.POSITION, null);
    assertThat(estimated.estimatedTotal()).isTrue();
    assertThat(estimated.pageInfo().totalCount()).isEqualTo(5_000);
    assertThat(estimated.nodes()).containsExactly(1, 2);

    PageRequest last = new PageRequest(3, 2, 4);
    Connection<Integer> proven =
        Paging.connection(List.of(5), 5_000, true, last, CursorStyle.POSITION, null);
    assertThat(proven.estimatedTotal()).isFalse();
    assertThat(proven.pageInfo().totalCount()).isEqualTo(5);

    Connection<Integer> lowerBound =
        Paging.connection(List.of(1, 2, 3), 1, first, CursorStyle.ID, id -> id * 10);
    assertThat(lowerBound.estimatedTotal()).isFalse();
    assertThat(lowerBound.pageInfo().totalCount()).isEqualTo(3);
    assertThat(lowerBound.edges().get(1).cursor()).isEqualTo(PageRequest.cursor(20));
  }
}
