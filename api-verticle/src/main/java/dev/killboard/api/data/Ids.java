package dev.killboard.api.data;

import io.vertx.sqlclient.Tuple;
import java.util.Collection;

/**
 * Binds a key set as one int4[] parameter ({@code = ANY($1)}), so one statement text serves any
 * batch size.
 */
public final class Ids {
  private Ids() {}

  public static Tuple tuple(Collection<Integer> ids) {
    return Tuple.of(ids.toArray(new Integer[0]));
  }
}
