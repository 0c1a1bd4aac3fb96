package dev.killboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md draws every compile-scope edge between Killboard modules; this reads the
 * poms and fails, naming the module, when the drawing and the build disagree.
 */
class ModuleGraphDocTest {
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
  private static final Pattern EDGE_LINE =
      Pattern.compile("^(?:floor \\d\\s+)?([a-z-]+) ─*► (.*)$");

  @Test
  void theArchitectureDiagramListsEveryModuleEdge() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Map<String, Set<String>> built = new TreeMap<>();
    Matcher modules = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
    while (modules.find()) {
      built.put(
          modules.group(1), compileDependencies(root.resolve(modules.group(1)).resolve("pom.xml")));
    }
    assertThat(built).hasSizeGreaterThan(10);

    String doc = Files.readString(root.resolve("docs/architecture.md"));
    Map<String, Set<String>> drawn = new TreeMap<>();
    List<String> leaves = new ArrayList<>();
    for (String line : doc.split("\n")) {
      Matcher m = EDGE_LINE.matcher(line.strip());
      if (m.matches()) {
        Set<String> targets = new TreeSet<>();
        for (String t : m.group(2).replaceAll("\\(.*?\\)", "").split(",")) {
          targets.add(t.strip());
        }
        drawn.put(m.group(1), targets);
      } else if (line.contains("(no Killboard dependency)")
          || line.contains("(tests and the demo only)")) {
        leaves.addAll(
            Arrays.asList(
                line.replaceFirst("^floor \\d", "").replaceAll("\\(.*?\\)", "").split(",")));
      }
    }
    leaves.replaceAll(String::strip);
    built.forEach(
        (module, deps) -> {
          if (deps.isEmpty()) {
            assertThat(leaves)
                .as("module %s has no Killboard dependency; the diagram's floor 1 names it", module)
                .contains(module);
          } else {
            assertThat(drawn.get(module))
                .as("the diagram's edges of %s (docs/architecture.md)", module)
                .containsExactlyInAnyOrderElementsOf(deps);
          }
        });
    assertThat(drawn.keySet()).as("modules drawn but not built").isSubsetOf(built.keySet());
  }

  private static Set<String> compileDependencies(Path pom) throws IOException {
    String text = Files.readString(pom);
    int from = text.indexOf("<dependencies>");
    Set<String> deps = new TreeSet<>();
    if (from < 0) {
      return deps;
    }
    Matcher d = DEPENDENCY.matcher(text.substring(from, text.indexOf("</dependencies>", from)));
    while (d.find()) {
      String dep = d.group(1);
      if (dep.contains("<groupId>dev.killboard</groupId>")
          && !dep.contains("<scope>test</scope>")) {
        Matcher a = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(dep);
        if (a.find()) {
          deps.add(a.group(1));
        }
      }
    }
    return deps;
  }
}
