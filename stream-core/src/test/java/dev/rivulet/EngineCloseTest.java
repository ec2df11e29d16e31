package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** After {@code close()} every call fails the same way: {@code engine_closed}. */
class EngineCloseTest {

  @Test
  void everyCallAfterCloseFailsWithEngineClosed() {
    StreamEngine engine = StreamEngine.builder().build();
    engine.set("s", "g", "i", json("1"));
    Group group = engine.stream("s").group("g");
    engine.close();
    Map<String, ThrowingCallable> calls =
        Map.of(
            "get", () -> engine.get("s", "g", "i"),
            "set", () -> engine.set("s", "g", "i", json("2")),
            "invoke", () -> engine.invoke("stream::list_groups", json("{'stream_name':'s'}")),
            "snapshot of a group", () -> engine.snapshot("s", "g", null),
            "snapshot of an item", () -> engine.snapshot("s", "g", "i"),
            "Group.snapshot", group::snapshot,
            "Group.items", group::items);
    calls.forEach(
        (name, call) ->
            assertThatThrownBy(call)
                .as(name)
                .isInstanceOfSatisfying(
                    StreamException.class,
                    e -> assertThat(e.code()).isEqualTo(StreamException.ENGINE_CLOSED)));
  }
}
