package dev.rivulet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.store.TableStore;
import dev.rivulet.spi.EventHistory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Versions, conditional writes and idempotency keys through the typed API and invoke (§11). */
class KeyedStateTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final StreamEngine engine =
      StreamEngine.builder()
          .storage(TableStore.inMemory(now::get, EventHistory.Limits.defaults()))
          .idempotencyWindow(Duration.ofSeconds(10))
          .build();
  private final Item item = engine.stream("s").group("g").item("o-1");

  @AfterEach
  void close() {
    engine.close();
  }

  private static String code(Runnable call) {
    try {
      call.run();
    } catch (StreamException e) {
      return e.code();
    }
    throw new AssertionError("no StreamException");
  }

  @Test
  void typedResultsExposeVersionsAndConditionalWritesUseThem() {
    SetResult created = item.set(5, WriteOptions.ifVersion(0));
    assertThat(created.version()).isEqualTo(1);
    UpdateResult updated =
        item.update(WriteOptions.ifVersion(created.version()), UpdateOp.increment("", 1));
    assertThat(updated.version()).isEqualTo(2);
    assertThat(updated.newValue()).isEqualTo(IntNode.valueOf(6));
    assertThatThrownBy(() -> item.set(7, WriteOptions.ifVersion(1)))
        .isInstanceOf(StreamException.class)
        .hasMessage("item o-1 is at version 2, not 1");
    DeleteResult deleted = item.delete(WriteOptions.ifVersion(2));
    assertThat(deleted.deleted()).isTrue();
    assertThat(deleted.version()).isEqualTo(3);
    assertThat(deleted.toJson().get("version").asLong()).isEqualTo(3);
    assertThat(item.delete(WriteOptions.none()).version()).isZero();
    assertThat(engine.stats().writes()).isEqualTo(3);
  }

  @Test
  void aRepeatedKeyAnswersTheFirstResultUntilTheWindowHasPassed() {
    SetResult first = item.set(1, WriteOptions.idempotencyKey("k"));
    now.addAndGet(9_999);
    SetResult again = item.set(2, WriteOptions.idempotencyKey("k"));
    assertThat(again).isEqualTo(first);
    assertThat(item.get()).isEqualTo(IntNode.valueOf(1));
    now.addAndGet(1);
    SetResult afterWindow = item.set(2, WriteOptions.idempotencyKey("k"));
    assertThat(afterWindow.version()).isEqualTo(2);
    assertThat(item.get()).isEqualTo(IntNode.valueOf(2));
  }

  @Test
  void aRepeatedUpdateReturnsTheFirstErrorsAndARepeatedSendSendsNothing() {
    item.set("text");
    UpdateResult first = item.update(WriteOptions.idempotencyKey("u"), UpdateOp.increment("", 1));
    assertThat(first.errors()).hasSize(1);
    UpdateResult again = item.update(WriteOptions.idempotencyKey("u"), UpdateOp.increment("", 1));
    assertThat(again).isEqualTo(first);
    Group group = engine.stream("s").group("g");
    group.send("t", 1, WriteOptions.idempotencyKey("s"));
    long events = engine.stats().events();
    group.send("t", 1, WriteOptions.idempotencyKey("s"));
    assertThat(engine.stats().events()).isEqualTo(events);
    assertThat(code(() -> group.send("t", 1, WriteOptions.ifVersion(1))))
        .isEqualTo(StreamException.INVALID_ARGUMENT);
  }

  @Test
  void anInProcessStoreRemembersAtMostOneHundredThousandKeys() {
    Group group = engine.stream("s").group("many");
    for (int i = 0; i < 100_000; i++) {
      group.item("i").set(i, WriteOptions.idempotencyKey("k" + i));
    }
    assertThat(group.item("i").set(-1, WriteOptions.idempotencyKey("k0")).newValue())
        .as("the 100 000th key still keeps the first")
        .isEqualTo(IntNode.valueOf(0));
    group.item("i").set(100_000, WriteOptions.idempotencyKey("k100000"));
    assertThat(group.item("i").set(-1, WriteOptions.idempotencyKey("k0")).newValue())
        .as("one more forgets the oldest")
        .isEqualTo(IntNode.valueOf(-1));
    assertThat(group.item("i").set(-2, WriteOptions.idempotencyKey("k2")).newValue())
        .isEqualTo(IntNode.valueOf(2));
  }

  private JsonNode invoke(String function, String extra) {
    ObjectNode input =
        MAPPER
            .createObjectNode()
            .put("stream_name", "s")
            .put("group_id", "g")
            .put("item_id", "o-1");
    try {
      input.setAll((ObjectNode) MAPPER.readTree(extra));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    return engine.invoke(function, input);
  }

  @Test
  void wireFieldsAreCheckedLikeEveryInput() {
    assertThat(code(() -> invoke("stream::set", "{\"data\":1,\"if_version\":\"1\"}")))
        .isEqualTo(StreamException.DESERIALIZATION_ERROR);
    assertThat(code(() -> invoke("stream::set", "{\"data\":1,\"if_version\":1.5}")))
        .isEqualTo(StreamException.DESERIALIZATION_ERROR);
    assertThat(code(() -> invoke("stream::set", "{\"data\":1,\"if_version\":-1}")))
        .isEqualTo(StreamException.INVALID_ARGUMENT);
    assertThat(code(() -> invoke("stream::set", "{\"data\":1,\"idempotency_key\":\"\"}")))
        .isEqualTo(StreamException.INVALID_ARGUMENT);
    assertThat(code(() -> invoke("stream::delete", "{\"idempotency_key\":7}")))
        .isEqualTo(StreamException.DESERIALIZATION_ERROR);
    String max = "k".repeat(WriteOptions.MAX_IDEMPOTENCY_KEY_BYTES);
    assertThat(invoke("stream::set", "{\"data\":1,\"idempotency_key\":\"" + max + "\"}"))
        .isNotNull();
    assertThatThrownBy(
            () -> invoke("stream::set", "{\"data\":1,\"idempotency_key\":\"" + max + "é\"}"))
        .hasMessage(
            "Invalid input for stream::set: idempotency_key is 258 UTF-8 bytes, the maximum is 256");
    assertThat(code(() -> invoke("stream::set", "{\"data\":2,\"if_version\":0}")))
        .isEqualTo(StreamException.PRECONDITION_FAILED);
    assertThat(invoke("stream::get", "{}")).isEqualTo(IntNode.valueOf(1));
  }

  @Test
  void overriddenStreamsRefuseGuardedWrites() {
    engine
        .functions()
        .register(
            "stream::set(custom)",
            input -> MAPPER.createObjectNode().putNull("old_value").put("new_value", 1));
    Item custom = engine.stream("custom").group("g").item("i");
    assertThat(custom.set(1).version()).isEqualTo(1);
    assertThat(code(() -> custom.set(1, WriteOptions.ifVersion(1))))
        .isEqualTo(StreamException.INVALID_ARGUMENT);
  }
}
