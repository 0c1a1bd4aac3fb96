package dev.killboard.api.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The original frontend's operation documents (test resources under contract/frontend). */
public final class Operations {
  private Operations() {}

  public static String load(String file) {
    try (InputStream in =
        Operations.class.getClassLoader().getResourceAsStream("contract/frontend/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no operation file " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
