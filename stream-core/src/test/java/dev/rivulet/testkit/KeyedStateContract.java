package dev.rivulet.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.PreconditionFailedException;
import dev.rivulet.spi.Receipt;
import dev.rivulet.spi.StorageAdapter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Keyed state (SPEC §11): item versions, {@code if_version} and {@code idempotency_key}, through
 * the SPI's guarded writes and through {@code invoke}. Part of {@link StorageAdapterContract}.
 */
public abstract class KeyedStateContract {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final GroupKey G = new GroupKey("s", "g");
  private static final long WINDOW = Duration.ofMinutes(5).toMillis();

  /** The adapter under test, started with {@link #sink()}. */
  protected abstract StorageAdapter adapter();

  /** What the adapter reported. */
  protected abstract RecordingSink sink();

  private static Guard ifVersion(long version) {
    return new Guard(version, null, 0);
  }

  private static Guard key(String key) {
    return new Guard(Guard.ANY_VERSION, key, WINDOW);
  }

  private static ObjectNode input(String item) {
    return MAPPER
        .createObjectNode()
        .put("stream_name", "s")
        .put("group_id", "g")
        .put("item_id", item);
  }

  /** The adapter refuses with the SPI's exception; the engine turns it into the error code. */
  private static void assertPreconditionFailed(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOf(PreconditionFailedException.class)
        .hasMessage(message);
  }

  @Test
  void resultsCarryTheVersionTheSeqOfTheChangeThatWroteTheItem() {
    try (StreamEngine engine = StreamEngine.builder().storage(adapter()).build()) {
      JsonNode a = engine.invoke("stream::set", input("a").put("data", 1));
      JsonNode b = engine.invoke("stream::set", input("b").put("data", 2));
      ObjectNode ops = input("a");
      ops.putArray("ops").addObject().put("type", "increment").put("path", "").put("by", 1);
      JsonNode updated = engine.invoke("stream::update", ops);
      engine.invoke(
          "stream::send",
          MAPPER
              .createObjectNode()
              .put("stream_name", "s")
              .put("group_id", "g")
              .put("type", "t")
              .put("data", 0));
      JsonNode deleted = engine.invoke("stream::delete", input("a"));
      JsonNode missing = engine.invoke("stream::delete", input("a"));

      long first = a.get("version").longValue();
      assertThat(first).isPositive();
      assertThat(b.get("version").longValue()).isEqualTo(first + 1);
      assertThat(updated.get("version").longValue()).isEqualTo(first + 2);
      assertThat(deleted.get("version").longValue()).isEqualTo(first + 4);
      assertThat(deleted.get("old_value")).isEqualTo(IntNode.valueOf(2));
      assertThat(missing.get("version").longValue()).isZero();
      assertThat(engine.snapshot("s", "g", null).seq()).isEqualTo(first + 4);
    }
  }

  @Test
  void ifVersionWritesOnlyWhenTheItemIsAtThatVersion() {
    long v1 = adapter().set(G, "i", IntNode.valueOf(1)).seq();
    adapter().set(G, "other", IntNode.valueOf(0)); // the group moves on, the item does not
    Receipt set = adapter().set(G, "i", IntNode.valueOf(2), ifVersion(v1));
    assertThat(set.change().seq()).isEqualTo(v1 + 2);
    Receipt updated = adapter().update(G, "i", v -> IntNode.valueOf(3), ifVersion(v1 + 2));
    assertThat(updated.change().oldValue()).isEqualTo(IntNode.valueOf(2));
    Receipt deleted = adapter().delete(G, "i", ifVersion(v1 + 3));
    assertThat(deleted.change().oldValue()).isEqualTo(IntNode.valueOf(3));
    assertThat(adapter().get(G, "i")).isNull();
  }

  @Test
  void aVersionMismatchWritesNothingMovesNoSeqAndEmitsNothing() {
    long v = adapter().set(G, "i", IntNode.valueOf(1)).seq();
    int reports = sink().committed.size();
    String message = "item i is at version " + v + ", not " + (v + 5);
    assertPreconditionFailed(
        () -> adapter().set(G, "i", IntNode.valueOf(2), ifVersion(v + 5)), message);
    assertPreconditionFailed(
        () -> adapter().update(G, "i", x -> IntNode.valueOf(2), ifVersion(v + 5)), message);
    assertPreconditionFailed(() -> adapter().delete(G, "i", ifVersion(v + 5)), message);
    assertPreconditionFailed(
        () -> adapter().delete(G, "gone", ifVersion(3)),
        "item gone does not exist, not at version 3");
    assertThat(adapter().get(G, "i")).isEqualTo(IntNode.valueOf(1));
    assertThat(adapter().snapshot(G).seq()).isEqualTo(v);
    assertThat(sink().committed).hasSize(reports);
  }

  @Test
  void ifVersionZeroMeansTheItemMustNotExist() {
    Receipt created = adapter().set(G, "i", IntNode.valueOf(1), ifVersion(0));
    assertThat(created.change().oldValue()).isNull();
    long v = created.change().seq();
    assertPreconditionFailed(
        () -> adapter().set(G, "i", IntNode.valueOf(2), ifVersion(0)),
        "item i already exists, at version " + v);
    assertPreconditionFailed(
        () -> adapter().update(G, "i", x -> IntNode.valueOf(2), ifVersion(0)),
        "item i already exists, at version " + v);
    assertThat(adapter().update(G, "new", x -> IntNode.valueOf(5), ifVersion(0)).change().seq())
        .isEqualTo(v + 1);
    assertThat(adapter().delete(G, "missing", ifVersion(0)).change().committed()).isFalse();
    assertThat(adapter().snapshot(G).seq()).isEqualTo(v + 1);
  }

  @Test
  void aRepeatedKeyReturnsTheFirstResultAndWritesNothing() {
    Receipt first = adapter().set(G, "i", IntNode.valueOf(1), key("k1"));
    assertThat(first.replayed()).isFalse();
    int reports = sink().committed.size();
    Receipt again = adapter().set(G, "i", IntNode.valueOf(2), key("k1"));
    assertThat(again.replayed()).isTrue();
    assertThat(again.change().seq()).isEqualTo(first.change().seq());
    assertThat(again.change().newValue()).isEqualTo(IntNode.valueOf(1));
    assertThat(again.change().oldValue()).isNull();
    assertThat(adapter().get(G, "i")).isEqualTo(IntNode.valueOf(1));
    assertThat(adapter().snapshot(G).seq()).isEqualTo(first.change().seq());
    assertThat(sink().committed).hasSize(reports);

    Receipt other = adapter().set(G, "i", IntNode.valueOf(3), key("k2"));
    assertThat(other.replayed()).isFalse();
    assertThat(other.change().oldValue()).isEqualTo(IntNode.valueOf(1));
    assertThat(adapter().set(new GroupKey("s", "h"), "i", IntNode.valueOf(4), key("k1")).replayed())
        .as("keys are per group")
        .isFalse();
  }

  @Test
  void repeatedUpdatesDeletesAndSendsAnswerAsTheFirstCallDid() {
    ItemNote noted = new ItemNote();
    Receipt update = adapter().update(G, "n", noted, key("u"));
    Receipt updateAgain = adapter().update(G, "n", noted, key("u"));
    assertThat(updateAgain.replayed()).isTrue();
    assertThat(updateAgain.note()).isEqualTo(update.note()).isEqualTo(IntNode.valueOf(7));
    assertThat(updateAgain.change().newValue()).isEqualTo(IntNode.valueOf(1));
    assertThat(adapter().get(G, "n")).isEqualTo(IntNode.valueOf(1));

    Receipt delete = adapter().delete(G, "n", key("d"));
    adapter().set(G, "n", IntNode.valueOf(9));
    Receipt deleteAgain = adapter().delete(G, "n", key("d"));
    assertThat(deleteAgain.replayed()).isTrue();
    assertThat(deleteAgain.change().seq()).isEqualTo(delete.change().seq());
    assertThat(deleteAgain.change().oldValue()).isEqualTo(IntNode.valueOf(1));
    assertThat(adapter().get(G, "n")).isEqualTo(IntNode.valueOf(9));

    assertThat(adapter().delete(G, "absent", key("d0")).change().committed()).isFalse();
    adapter().set(G, "absent", IntNode.valueOf(1));
    assertThat(adapter().delete(G, "absent", key("d0")).replayed()).isTrue();
    assertThat(adapter().get(G, "absent")).isEqualTo(IntNode.valueOf(1));

    Notice ping = new Notice(Event.Kind.EVENT, "ping", IntNode.valueOf(1));
    long sent = adapter().send(G, null, ping, key("s")).change().seq();
    int reports = sink().committed.size();
    Receipt sendAgain = adapter().send(G, null, ping, key("s"));
    assertThat(sendAgain.replayed()).isTrue();
    assertThat(sendAgain.change().seq()).isEqualTo(sent);
    assertThat(sink().committed).hasSize(reports);
    assertThat(adapter().snapshot(G).seq()).isEqualTo(sent);
  }

  @Test
  void aKeyIsForgottenAfterItsWindow() {
    Guard shortWindow = new Guard(Guard.ANY_VERSION, "w", 300);
    Change first = adapter().set(G, "i", IntNode.valueOf(1), shortWindow).change();
    assertThat(adapter().set(G, "i", IntNode.valueOf(2), shortWindow).replayed()).isTrue();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !adapter().set(G, "i", IntNode.valueOf(2), shortWindow).replayed());
    assertThat(adapter().get(G, "i")).isEqualTo(IntNode.valueOf(2));
    assertThat(adapter().snapshot(G).seq()).isEqualTo(first.seq() + 1);
  }

  @Test
  void aFailedConditionalWriteRemembersNoKey() {
    long v = adapter().set(G, "i", IntNode.valueOf(1)).seq();
    Guard both = new Guard(v + 1, "k", WINDOW);
    assertThatThrownBy(() -> adapter().set(G, "i", IntNode.valueOf(2), both))
        .isInstanceOf(PreconditionFailedException.class);
    Receipt retried = adapter().set(G, "i", IntNode.valueOf(2), new Guard(v, "k", WINDOW));
    assertThat(retried.replayed()).isFalse();
    assertThat(adapter().get(G, "i")).isEqualTo(IntNode.valueOf(2));
  }

  /** An updater that sets 1 and notes 7 (as the engine notes an update's op errors). */
  private static final class ItemNote implements dev.rivulet.spi.ItemUpdater {
    @Override
    public JsonNode apply(JsonNode current) {
      return IntNode.valueOf(1);
    }

    @Override
    public JsonNode note() {
      return IntNode.valueOf(7);
    }
  }
}
