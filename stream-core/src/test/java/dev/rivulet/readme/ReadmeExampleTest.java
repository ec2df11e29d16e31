package dev.rivulet.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rivulet.StreamEngine;
import dev.rivulet.UpdateOp;
import dev.rivulet.testkit.ReadmeSnippets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the README's embedding example compiling, running, and identical to the README. */
class ReadmeExampleTest {

  // README example: begin
  static JsonNode example() throws Exception {
    var json = new ObjectMapper();
    try (StreamEngine engine = StreamEngine.builder().build()) {
      engine.set("orders", "open", "o-1", json.readTree("{\"total\":5}"));
      engine.update("orders", "open", "o-1", List.of(UpdateOp.increment("total", 2)));
      return engine.get("orders", "open", "o-1"); // {"total":7}
    }
  }

  // README example: end

  @Test
  void exampleRunsAndGivesWhatTheReadmeSays() throws Exception {
    assertThat(example().toString()).isEqualTo("{\"total\":7}");
  }

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    ReadmeSnippets.assertReadmeShows(
        Path.of("src/test/java/dev/rivulet/readme/ReadmeExampleTest.java"),
        Path.of("..", "README.md"));
  }
}
