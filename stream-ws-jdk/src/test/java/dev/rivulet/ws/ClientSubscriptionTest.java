package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local state of one {@link ClientSubscription}, fed the messages a connection with a group and
 * an item subscription of the same group receives (every message reaches both).
 */
class ClientSubscriptionTest {

  /** No listeners and no gaps in these cases: the client is never called. */
  private final ClientSubscription group = new ClientSubscription(null, "g", "s", "g", null);

  private final ClientSubscription item = new ClientSubscription(null, "i", "s", "g", "a");

  private static ObjectNode message(String id, long seq, String type) {
    ObjectNode m = StreamClient.object();
    m.put("type", "stream").put("timestamp", 1000 + seq).put("streamName", "s");
    m.put("groupId", "g").put("id", id).put("seq", seq);
    m.putObject("event").put("type", type);
    return m;
  }

  private static ObjectNode groupSync(long seq, Map<String, Integer> items) {
    ObjectNode m = message(null, seq, "sync");
    var data = ((ObjectNode) m.get("event")).putArray("data");
    var ids = m.putArray("itemIds");
    items.forEach(
        (id, v) -> {
          data.add(v);
          ids.add(id);
        });
    return m;
  }

  private static ObjectNode itemSync(String id, long seq, int value) {
    ObjectNode m = message(id, seq, "sync");
    ((ObjectNode) m.get("event")).put("data", value);
    return m;
  }

  private static ObjectNode update(String id, long seq, int value) {
    ObjectNode m = message(id, seq, "update");
    ((ObjectNode) m.get("event")).put("data", value);
    return m;
  }

  private static ObjectNode refusal(String id) {
    ObjectNode m = message(id, 0, "unauthorized");
    m.remove("seq");
    return m;
  }

  private void both(JsonNode m) {
    group.accept(m);
    item.accept(m);
  }

  @Test
  void groupSubscriptionIgnoresTheSyncOfAnItemSubscriptionOfItsGroup() {
    both(groupSync(5, Map.of("a", 1)));
    // the item subscription joined (or was re-synchronized) later, at a later seq
    both(itemSync("a", 7, 3));
    both(update("b", 6, 2)); // must not be taken for a duplicate by the group subscription
    both(update("a", 7, 3));
    both(update("a", 8, 4));

    assertThat(group.syncCount()).isEqualTo(1);
    assertThat(group.duplicateCount()).isZero();
    assertThat(group.gapCount()).isZero();
    assertThat(group.lastSeq()).isEqualTo(8);
    assertThat(group.items())
        .containsExactly(Map.entry("a", IntNode.valueOf(4)), Map.entry("b", IntNode.valueOf(2)));

    assertThat(item.syncCount()).isEqualTo(1);
    assertThat(item.value()).isEqualTo(IntNode.valueOf(4));
    assertThat(item.lastSeq()).isEqualTo(8);
    assertThat(item.duplicateCount()).isEqualTo(1); // update 7 was in its sync
  }

  @Test
  void itemSubscriptionIgnoresTheSyncOfAGroupSubscriptionAndOfOtherItems() {
    both(itemSync("a", 3, 1));
    both(groupSync(4, Map.of("a", 9, "b", 2)));
    item.accept(itemSync("b", 5, 7));
    assertThat(item.syncCount()).isEqualTo(1);
    assertThat(item.value()).isEqualTo(IntNode.valueOf(1));
    assertThat(item.lastSeq()).isEqualTo(3);
  }

  @Test
  void refusalOfAnItemJoinFailsOnlyThatSubscription() {
    both(groupSync(1, Map.of()));
    both(refusal("a"));
    assertThat(group.ready()).isCompleted();
    assertThat(item.ready()).isCompletedExceptionally();

    ClientSubscription other = new ClientSubscription(null, "g2", "s", "g", null);
    other.accept(refusal("a"));
    assertThat(other.ready()).isNotDone();
    other.accept(refusal(null));
    assertThat(other.ready()).isCompletedExceptionally();
    assertThat(List.of(group.syncCount(), item.syncCount())).containsExactly(1, 0);
  }
}
