package dev.rivulet.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rivulet.Item;
import dev.rivulet.StreamEngine;
import dev.rivulet.UpdateOp;
import dev.rivulet.testkit.ReadmeSnippets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's embedding example compiling, running, and identical to the README. */
class ReadmeExampleTest {

  // README example: begin
  record Order(String id, int total) {}

  static Order example() {
    try (StreamEngine engine = StreamEngine.builder().build()) {
      Item o1 = engine.stream("orders").group("open").item("o-1");
      o1.set(new Order("o-1", 5));
      o1.update(UpdateOp.increment("total", 2));
      return o1.get(Order.class); // Order[id=o-1, total=7]
    }
  }

  // README example: end

  @Test
  void exampleRunsAndGivesWhatTheReadmeSays() throws Exception {
    assertThat(example()).isEqualTo(new Order("o-1", 7));
  }

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    ReadmeSnippets.assertReadmeShows(
        Path.of("src/test/java/dev/rivulet/readme/ReadmeExampleTest.java"),
        Path.of("..", "README.md"));
  }
}
