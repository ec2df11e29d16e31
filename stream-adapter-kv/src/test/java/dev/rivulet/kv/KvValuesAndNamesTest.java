package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values and names on the file store across a restart (SPEC §2, §9). */
class KvValuesAndNamesTest {
  private static final String EMOJI = "\ud83d\ude00";

  @TempDir Path dir;

  private StreamEngine open() {
    return StreamEngine.builder()
        .storage(KvAdapter.fileBased(dir.resolve("store")).build())
        .maxItemBytes(64 * 1024)
        .build();
  }

  private static JsonNode nested(int depth) {
    JsonNode value = IntNode.valueOf(1);
    for (int i = 0; i < depth; i++) {
      value = KvFiles.MAPPER.createArrayNode().add(value);
    }
    return value;
  }

  private static String code(Throwable e) {
    return ((StreamException) e).code();
  }

  /** obs 4: after a restart the groups "\ud800" and "\udfff" had merged into "?". */
  @Test
  void loneSurrogateGroupsAreRefusedAndEmojiGroupsStayApartAfterARestart() {
    try (StreamEngine engine = open()) {
      for (String bad : List.of("\ud800", "\udfff")) {
        assertThatThrownBy(() -> engine.set("s", bad, "i", IntNode.valueOf(1)))
            .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT));
      }
      engine.set("s", EMOJI, "i", IntNode.valueOf(1));
      engine.set("s", "\ud83d\ude01", "i", IntNode.valueOf(2));
    }
    try (StreamEngine engine = open()) {
      assertThat(engine.listGroups("s")).containsExactly(EMOJI, "\ud83d\ude01");
      assertThat(engine.get("s", EMOJI, "i")).isEqualTo(IntNode.valueOf(1));
      assertThat(engine.get("s", "\ud83d\ude01", "i")).isEqualTo(IntNode.valueOf(2));
    }
  }

  @Test
  void theDeepestAndLargestValuesAllowedSurviveARestartAndRefusedOnesLeaveNoTrace() {
    JsonNode largest = TextNode.valueOf("x".repeat(64 * 1024 - 2));
    long seq;
    try (StreamEngine engine = open()) {
      engine.set("s", "g", "deep", nested(1000));
      engine.set("s", "g", "big", largest);
      seq = engine.snapshot("s", "g", null).seq();
      assertThatThrownBy(() -> engine.set("s", "g", "deep", nested(1001)))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.INVALID_ARGUMENT));
      assertThatThrownBy(
              () -> engine.set("s", "g", "big", TextNode.valueOf("x".repeat(64 * 1024 - 1))))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StreamException.VALUE_TOO_LARGE));
    }
    try (StreamEngine engine = open()) {
      assertThat(engine.get("s", "g", "deep")).isEqualTo(nested(1000));
      assertThat(engine.get("s", "g", "big")).isEqualTo(largest);
      assertThat(engine.snapshot("s", "g", null).seq()).isEqualTo(seq);
    }
  }
}
