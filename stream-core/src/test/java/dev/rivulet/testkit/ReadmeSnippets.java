package dev.rivulet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps README examples honest: the example lives in a test source between {@code // README
 * example: begin} and {@code // README example: end} (where it is compiled and run), and the README
 * must show every statement of its body.
 */
public final class ReadmeSnippets {
  private ReadmeSnippets() {}

  /**
   * Asserts that {@code readme} contains each line of the example body in {@code testSource}
   * (without the method signature line and the closing braces).
   */
  public static void assertReadmeShows(Path testSource, Path readme) throws IOException {
    String source = Files.readString(testSource);
    int begin = source.indexOf("// README example: begin");
    int end = source.indexOf("// README example: end");
    assertThat(begin).as("begin marker in " + testSource).isNotNegative();
    assertThat(end).as("end marker in " + testSource).isGreaterThan(begin);
    List<String> lines = source.substring(begin, end).lines().skip(2).map(String::strip).toList();
    List<String> statements = lines.stream().filter(l -> !l.isEmpty() && !l.equals("}")).toList();
    assertThat(statements).as("example body").hasSizeGreaterThan(2);
    String text = Files.readString(readme);
    for (String line : statements) {
      assertThat(text).as("%s shows the example line", readme).contains(line);
    }
  }
}
