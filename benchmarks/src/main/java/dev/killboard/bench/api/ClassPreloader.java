package dev.killboard.bench.api;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads every class of the jars that hold the given classes, up front. A benchmark run lasts
 * minutes while other builds may {@code mvn install} new snapshots of Killboard's modules into the
 * shared local repository; a class first needed after its jar was replaced would fail with
 * NoClassDefFoundError in the middle of the measurement.
 */
final class ClassPreloader {
  private ClassPreloader() {}

  /**
   * Loads (without initialising) the classes of each anchor's jar; returns how many were loaded.
   */
  static int preload(Class<?>... anchors) {
    int loaded = 0;
    for (Class<?> anchor : anchors) {
      File location;
      try {
        location = new File(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      } catch (URISyntaxException | RuntimeException e) {
        continue;
      }
      if (!location.isFile()) {
        continue; // a classes directory (reactor build) is not replaced under us as a whole
      }
      try (JarFile jar = new JarFile(location)) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
          String name = entries.nextElement().getName();
          if (name.endsWith(".class") && !name.equals("module-info.class")) {
            try {
              Class.forName(
                  name.substring(0, name.length() - 6).replace('/', '.'),
                  false,
                  anchor.getClassLoader());
              loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
              // A class whose optional dependency is absent is never used here either.
            }
          }
        }
      } catch (IOException e) {
        // Unreadable: nothing to preload, the run will tell if a class is missing.
      }
    }
    return loaded;
  }
}
