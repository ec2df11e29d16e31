package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-stream override functions {@code stream::<op>(<stream>)} replace storage (SPEC §3). */
class OverridesTest {
  private final StreamEngine engine = StreamEngine.builder().build();

  @AfterEach
  void close() {
    engine.close();
  }

  private void register(String id, String result) {
    engine.functions().register(id, in -> json(result));
  }

  @Test
  void everyOverridableFunctionReturnsTheOverridesResult() {
    register("stream::get(custom)", "{'from':'custom-get'}");
    register("stream::list(custom)", "[{'from':'custom-list'}]");
    register("stream::list_groups(custom)", "['alpha','beta']");
    register("stream::set(custom)", "{'old_value':null,'new_value':{'from':'custom-set'}}");
    register("stream::delete(custom)", "{'old_value':{'from':'custom-delete'}}");
    register("stream::update(custom)", "{'old_value':{'count':1},'new_value':{'count':2}}");
    String item = "{'stream_name':'custom','group_id':'g','item_id':'i'";
    assertThat(engine.invoke("stream::get", json(item + "}")))
        .isEqualTo(json("{'from':'custom-get'}"));
    assertThat(engine.invoke("stream::list", json("{'stream_name':'custom','group_id':'g'}")))
        .isEqualTo(json("[{'from':'custom-list'}]"));
    assertThat(engine.invoke("stream::list_groups", json("{'stream_name':'custom'}")))
        .isEqualTo(json("['alpha','beta']"));
    assertThat(engine.invoke("stream::set", json(item + ",'data':{'ignored':true}}")))
        .isEqualTo(json("{'old_value':null,'new_value':{'from':'custom-set'},'version':1}"));
    assertThat(engine.invoke("stream::delete", json(item + "}")))
        .isEqualTo(json("{'old_value':{'from':'custom-delete'},'version':2}"));
    assertThat(engine.invoke("stream::update", json(item + ",'ops':[]}")))
        .isEqualTo(json("{'old_value':{'count':1},'new_value':{'count':2},'version':3}"));
    assertThat(engine.listAll()).isEmpty();
  }

  @Test
  void valuesWrittenByOverrideFunctionsAreCheckedLikeEveryWriteAndEmitNothing() {
    try (StreamEngine small = StreamEngine.builder().maxItemBytes(64).maxValueDepth(3).build()) {
      small
          .functions()
          .register(
              "stream::set(custom)", in -> json("{'old_value':null,'new_value':[[[['deep']]]]}"));
      small
          .functions()
          .register(
              "stream::update(custom)",
              in -> json("{'old_value':null,'new_value':'" + "x".repeat(100) + "'}"));
      assertThatThrownBy(() -> small.set("custom", "g", "i", json("{'a':1}")))
          .isInstanceOfSatisfying(
              StreamException.class,
              e -> assertThat(e.code()).isEqualTo(StreamException.INVALID_ARGUMENT))
          .hasMessageContaining("stream::set(custom)");
      assertThatThrownBy(() -> small.update("custom", "g", "i", List.of()))
          .isInstanceOfSatisfying(
              StreamException.class,
              e -> assertThat(e.code()).isEqualTo(StreamException.VALUE_TOO_LARGE))
          .hasMessageContaining("stream::update(custom)");
      assertThat(small.snapshot("custom", "g", null).seq()).as("nothing committed").isZero();
      assertThat(small.stats().events()).as("nothing emitted").isZero();
    }
  }

  @Test
  void overrideReceivesTheInputAndOtherStreamsUseStorage() {
    Map<String, JsonNode> custom = new ConcurrentHashMap<>();
    engine
        .functions()
        .register(
            "stream::set(custom)",
            in -> {
              JsonNode old = custom.put(in.get("item_id").asText(), in.get("data"));
              return json(
                  "{'old_value':"
                      + (old == null ? "null" : old.toString())
                      + ",'new_value':"
                      + in.get("data")
                      + "}");
            });
    engine
        .functions()
        .register("stream::get(custom)", in -> custom.get(in.get("item_id").asText()));
    engine.set("custom", "g", "i", json("{'a':1}"));
    engine.set("plain", "g", "i", json("{'b':2}"));
    assertThat(custom).containsEntry("i", json("{'a':1}"));
    assertThat(engine.get("custom", "g", "i")).isEqualTo(json("{'a':1}"));
    assertThat(engine.get("plain", "g", "i")).isEqualTo(json("{'b':2}"));
    assertThat(engine.listAll()).containsOnlyKeys("plain");
  }

  @Test
  void writesThroughOverridesStillEmitEventsWithSeq() {
    register("stream::set(custom)", "{'old_value':{'x':0},'new_value':{'x':1}}");
    RecordingListener listener = new RecordingListener();
    engine.subscribe("custom", "g", null, listener);
    engine.set("custom", "g", "i", json("{'x':1}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> SubscriptionTest.eventCount(listener) == 1);
    synchronized (listener) {
      StreamEvent event = listener.events.get(0);
      assertThat(event.kind()).isEqualTo(StreamEvent.Kind.UPDATE);
      assertThat(event.data()).isEqualTo(json("{'x':1}"));
      assertThat(event.seq()).isEqualTo(1);
    }
  }

  @Test
  void syncSnapshotsUseTheOverrides() {
    register("stream::list(custom)", "[{'from':'custom-list'}]");
    register("stream::get(custom)", "{'from':'custom-get'}");
    assertThat(engine.snapshot("custom", "g", null).data())
        .isEqualTo(json("[{'from':'custom-list'}]"));
    assertThat(engine.snapshot("custom", "g", "i").data()).isEqualTo(json("{'from':'custom-get'}"));
  }

  @Test
  void failingReadOverrideKeepsItsCode() {
    engine
        .functions()
        .register(
            "stream::get(custom)",
            in -> {
              throw new StreamException("CUSTOM_DOWN", "custom backend down");
            });
    assertThatThrownBy(() -> engine.get("custom", "g", "i"))
        .isInstanceOf(StreamException.class)
        .hasMessage("custom backend down")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("CUSTOM_DOWN");
  }

  @Test
  void writeOverrideFailuresUseTheReferenceWording() {
    engine
        .functions()
        .register(
            "stream::set(fails)",
            in -> {
              throw new IllegalStateException("disk gone");
            });
    engine.functions().register("stream::set(silent)", in -> null);
    engine.functions().register("stream::set(garbled)", in -> json("{'old_value':1}"));
    assertThatThrownBy(() -> engine.set("fails", "g", "i", json("1")))
        .hasMessage("Failed to set value: Failed to invoke function: disk gone")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("STREAM_SET_ERROR");
    assertThatThrownBy(() -> engine.set("silent", "g", "i", json("1")))
        .hasMessage("Failed to set value: Function returned no result")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("STREAM_SET_ERROR");
    assertThatThrownBy(() -> engine.set("garbled", "g", "i", json("1")))
        .hasMessage("Failed to convert result to value: missing field `new_value`")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("JSON_ERROR");
  }

  @Test
  void updateOverrideGetsTheOpsOnTheWire() {
    List<JsonNode> inputs = new java.util.concurrent.CopyOnWriteArrayList<>();
    engine
        .functions()
        .register(
            "stream::update(custom)",
            in -> {
              inputs.add(in);
              return json("{'new_value':{}}");
            });
    UpdateResult result = engine.update("custom", "g", "i", List.of(UpdateOp.increment("n", 2)));
    assertThat(result.oldValue()).isNull();
    assertThat(inputs.get(0).get("ops"))
        .isEqualTo(json("[{'type':'increment','path':'n','by':2}]"));
  }
}
