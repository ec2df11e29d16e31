package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.GroupKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The event message of SPEC §5.1. */
class StreamEventTest {
  private final GroupKey group = new GroupKey("orders", "group-a");

  @Test
  void changeEventJsonIsTheWrapperMessagePlusSeqInFieldOrder() {
    StreamEvent event =
        StreamEvent.change(
            group, "item-1", StreamEvent.Kind.CREATE, json("{'status':'open'}"), 7, 1717000000000L);
    assertThat(new String(event.toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"stream\",\"timestamp\":1717000000000,\"streamName\":\"orders\","
                + "\"groupId\":\"group-a\",\"id\":\"item-1\",\"event\":{\"type\":\"create\","
                + "\"data\":{\"status\":\"open\"}},\"seq\":7}");
  }

  @Test
  void customEventNestsTypeAndDataAndKeepsANullId() {
    StreamEvent event = StreamEvent.custom(group, null, "custom", json("{'count':1}"), 3, 5);
    assertThat(reparsed(event))
        .isEqualTo(
            json(
                "{'type':'stream','timestamp':5,'streamName':'orders','groupId':'group-a','id':null,"
                    + "'event':{'type':'event','event':{'type':'custom','data':{'count':1}}},'seq':3}"));
  }

  @Test
  void jsonIsBuiltAndSerializedOnlyOnce() {
    StreamEvent event = StreamEvent.change(group, "i", StreamEvent.Kind.UPDATE, json("1"), 1, 1);
    assertThat(event.toJsonBytes()).isSameAs(event.toJsonBytes());
    assertThat(event.toJson()).isSameAs(event.toJson());
  }

  @Test
  void fromJsonReadsBackEveryKind() {
    List<StreamEvent> events =
        List.of(
            StreamEvent.change(group, "i", StreamEvent.Kind.CREATE, json("{'a':[]}"), 1, 10),
            StreamEvent.change(group, "i", StreamEvent.Kind.UPDATE, json("null"), 2, 11),
            StreamEvent.change(group, "i", StreamEvent.Kind.DELETE, json("[1]"), 3, 12),
            StreamEvent.custom(group, null, "click", json("{}"), 4, 13));
    for (StreamEvent event : events) {
      StreamEvent back =
          StreamEvent.fromJson(
              json(new String(event.toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(reparsed(back)).isEqualTo(reparsed(event));
      assertThat(back.seq()).isEqualTo(event.seq());
      assertThat(back.kind()).isEqualTo(event.kind());
    }
  }

  @Test
  void fromJsonRejectsWhatIsNotAnEvent() {
    assertThatThrownBy(() -> StreamEvent.fromJson(json("{'type':'stream'}")))
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("deserialization_error");
  }

  @Test
  void timestampsStrictlyIncreaseEvenWhenTheClockStandsStill() {
    AtomicLong clock = new AtomicLong(1000);
    try (StreamEngine engine =
        StreamEngine.builder()
            .storage(TableStore.inMemory(clock::get, EventHistory.Limits.defaults()))
            .build()) {
      List<Long> stamps = new ArrayList<>();
      engine
          .triggers()
          .register(
              Trigger.toHandler("t", TriggerType.STREAM, Trigger.streamConfig("s"), p -> null));
      for (int i = 0; i < 5; i++) {
        stamps.add(engine.snapshot("s", "g", null).timestamp());
        engine.set("s", "g", "i", json(String.valueOf(i)));
      }
      clock.set(500); // the wall clock went backwards
      engine.set("s", "g", "i", json("9"));
      stamps.add(engine.snapshot("s", "g", null).timestamp());
      assertThat(stamps).containsExactly(0L, 1000L, 1001L, 1002L, 1003L, 1005L);
    }
  }

  /** The event's JSON as a client parses it (number node types then compare equal). */
  private static com.fasterxml.jackson.databind.JsonNode reparsed(StreamEvent event) {
    try {
      return TestJson.MAPPER.readTree(event.toJsonBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
