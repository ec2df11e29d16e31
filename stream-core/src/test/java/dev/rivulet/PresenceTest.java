package dev.rivulet;

import static dev.rivulet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code stream::presence} and {@link Group#presence()} in one process (SPEC §11 "Presence"): the
 * entries recorded with {@link StreamEngine#present} until their registration closes. The WebSocket
 * server's part (joins, leaves, auth context) is tested in stream-ws-jdk.
 */
class PresenceTest {
  private final List<StreamEngine> engines = new ArrayList<>();
  private final StreamEngine engine = engine(StreamEngine.builder());

  private StreamEngine engine(StreamEngine.Builder builder) {
    StreamEngine e = builder.build();
    engines.add(e);
    return e;
  }

  @AfterEach
  void close() {
    engines.forEach(StreamEngine::close);
  }

  private static JoinRequest join(String sub, String group, String item, String context) {
    return new JoinRequest(sub, "s", group, item, context == null ? null : json(context));
  }

  private JsonNode presence(String input) {
    return engine.invoke("stream::presence", json(input));
  }

  @Test
  void listsEachRegistrationOfTheGroupWithItsFieldsUntilItCloses() {
    long before = System.currentTimeMillis();
    Presence.Registration a = engine.present(join("a", "g", null, "{'user':'ada'}"));
    Presence.Registration b = engine.present(join("b", "g", "i-1", null));
    engine.present(join("c", "other", null, null));
    long after = System.currentTimeMillis();

    JsonNode listed = presence("{'stream_name':'s','group_id':'g'}");
    assertThat(listed).hasSize(2);
    assertThat(listed.get(0).get("subscription_id").asText()).isEqualTo("a");
    assertThat(listed.get(0).get("id").isNull()).isTrue();
    assertThat(listed.get(0).get("context")).isEqualTo(json("{'user':'ada'}"));
    assertThat(listed.get(1).get("subscription_id").asText()).isEqualTo("b");
    assertThat(listed.get(1).get("id").asText()).isEqualTo("i-1");
    assertThat(listed.get(1).get("context").isNull()).isTrue();
    for (JsonNode entry : listed) {
      assertThat(entry.get("joined_at").asLong()).isBetween(before, after);
      assertThat(entry.fieldNames())
          .toIterable()
          .containsExactly("subscription_id", "id", "context", "joined_at");
    }

    List<Presence> typed = engine.stream("s").group("g").presence();
    assertThat(typed).extracting(Presence::subscriptionId).containsExactly("a", "b");
    assertThat(typed.get(1).itemId()).isEqualTo("i-1");
    assertThat(typed.get(0).context()).isEqualTo(json("{'user':'ada'}"));
    assertThat(typed.get(0).toJson()).isEqualTo(listed.get(0));

    a.close();
    a.close(); // idempotent
    assertThat(engine.stream("s").group("g").presence())
        .extracting(Presence::subscriptionId)
        .containsExactly("b");
    b.close();
    assertThat(presence("{'stream_name':'s','group_id':'g'}")).isEmpty();
    assertThat(presence("{'stream_name':'s','group_id':'other'}")).hasSize(1);
    assertThat(presence("{'stream_name':'s','group_id':'never'}")).isEmpty();
  }

  @Test
  void theSameSubscriptionIdOnTwoConnectionsIsListedTwiceInADeterministicOrder() {
    engine.present(join("z", "g", null, "{'c':1}"));
    engine.present(join("y", "g", null, null));
    engine.present(join("z", "g", null, "{'c':2}"));
    List<Presence> listed = engine.stream("s").group("g").presence();
    assertThat(listed).hasSize(3);
    for (int i = 1; i < listed.size(); i++) {
      Presence prev = listed.get(i - 1);
      Presence next = listed.get(i);
      assertThat(prev.joinedAt()).isLessThanOrEqualTo(next.joinedAt());
      if (prev.joinedAt() == next.joinedAt()) {
        assertThat(prev.subscriptionId()).isLessThanOrEqualTo(next.subscriptionId());
      }
    }
    assertThat(engine.stream("s").group("g").presence()).isEqualTo(listed);
  }

  @Test
  void atMostMaxPresenceEntriesAreReturnedTheEarliestJoined() {
    StreamEngine bounded = engine(StreamEngine.builder().maxPresence(3));
    for (int i = 1; i <= 3; i++) {
      bounded.present(join("s" + i, "g", null, null));
    }
    assertThat(bounded.stream("s").group("g").presence())
        .extracting(Presence::subscriptionId)
        .containsExactly("s1", "s2", "s3");
    bounded.present(join("s4", "g", null, null));
    assertThat(bounded.invoke("stream::presence", json("{'stream_name':'s','group_id':'g'}")))
        .hasSize(3);
    assertThat(bounded.stream("s").group("g").presence())
        .extracting(Presence::subscriptionId)
        .containsExactly("s1", "s2", "s3");
    assertThatThrownBy(() -> StreamEngine.builder().maxPresence(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badInputGetsTheCodesOfTheOtherFunctions() {
    assertThatThrownBy(() -> presence("{'stream_name':'s'}"))
        .isInstanceOf(StreamException.class)
        .hasMessage("Failed to deserialize input for stream::presence: missing field `group_id`")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(StreamException.DESERIALIZATION_ERROR);
    assertThatThrownBy(() -> presence("{'stream_name':'s','group_id':1}"))
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(StreamException.DESERIALIZATION_ERROR);
    assertThatThrownBy(() -> engine.invoke("stream::presence", null))
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(StreamException.DESERIALIZATION_ERROR);
    assertThatThrownBy(() -> presence("{'stream_name':'','group_id':'g'}"))
        .isInstanceOf(StreamException.class)
        .hasMessage("Invalid input for stream::presence: stream_name must not be empty")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(StreamException.INVALID_ARGUMENT);
    String tooLong = "x".repeat(513);
    assertThatThrownBy(() -> presence("{'stream_name':'s','group_id':'" + tooLong + "'}"))
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(StreamException.INVALID_ARGUMENT);
    assertThatThrownBy(() -> engine.functions().register("stream::presence", in -> in))
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(StreamException.INVALID_ARGUMENT);
  }

  @Test
  void aClosedEngineRefusesToRecordOrList() {
    StreamEngine closed = engine(StreamEngine.builder());
    closed.close();
    assertThatThrownBy(() -> closed.present(join("a", "g", null, null)))
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("engine_closed");
    assertThatThrownBy(() -> closed.stream("s").group("g").presence())
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("engine_closed");
  }
}
