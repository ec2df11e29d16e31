package dev.rivulet.layering;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package graph of stream-core's main sources, from their {@code import} lines: which
 * dev.rivulet packages reach each other both ways (strongly connected components of more than one
 * package).
 *
 * <p>There is none: the packages form the layers of docs/ARCHITECTURE.md ("Packages"), and any
 * import that closes a loop fails this test.
 */
class PackageCyclesTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?(dev\\.rivulet(?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z]");

  @Test
  void noPackageCycles() {
    Map<String, Set<String>> graph = graph();
    assertThat(graph).containsKeys("dev.rivulet", "dev.rivulet.spi", "dev.rivulet.internal");
    assertThat(cycles(graph)).as("package cycles of stream-core").isEmpty();
  }

  /** The layers: the SPI and the shared helpers at the bottom, the API and its engine on top. */
  @Test
  void thePackagesFormTheDocumentedLayers() {
    assertThat(graph())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "dev.rivulet",
                Set.of("dev.rivulet.internal", "dev.rivulet.internal.store", "dev.rivulet.spi"),
                "dev.rivulet.internal",
                Set.of(),
                "dev.rivulet.internal.store",
                Set.of("dev.rivulet.spi"),
                "dev.rivulet.spi",
                Set.of()));
  }

  @Test
  void theCycleFinderFindsACycle() {
    Map<String, Set<String>> graph = new TreeMap<>();
    graph.put("a", Set.of("b"));
    graph.put("b", Set.of("c"));
    graph.put("c", Set.of("a"));
    graph.put("d", Set.of("a"));
    assertThat(cycles(graph)).containsExactly(new TreeSet<>(List.of("a", "b", "c")));
  }

  /** Package → the dev.rivulet packages its files import (itself excluded). */
  private static Map<String, Set<String>> graph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path dir = SOURCES.relativize(file.getParent());
        if (dir.toString().isEmpty()) {
          continue; // module-info.java
        }
        String pkg = dir.toString().replace(file.getFileSystem().getSeparator(), ".");
        Set<String> deps = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
        for (String line : Files.readAllLines(file)) {
          Matcher m = IMPORT.matcher(line);
          if (m.find() && !m.group(1).equals(pkg)) {
            deps.add(m.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** The strongly connected components with more than one package (Tarjan). */
  static Set<Set<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> found = new ArrayList<>();
    int[] counter = {0};
    for (String node : graph.keySet()) {
      if (!index.containsKey(node)) {
        connect(node, graph, index, low, stack, onStack, found, counter);
      }
    }
    Set<Set<String>> result = new java.util.HashSet<>();
    for (Set<String> component : found) {
      if (component.size() > 1) {
        result.add(component);
      }
    }
    return result;
  }

  private static void connect(
      String node,
      Map<String, Set<String>> graph,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> found,
      int[] counter) {
    index.put(node, counter[0]);
    low.put(node, counter[0]);
    counter[0]++;
    stack.push(node);
    onStack.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        connect(next, graph, index, low, stack, onStack, found, counter);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      found.add(component);
    }
  }
}
