package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.kv.KvAdapter;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.testkit.ForwardingStorageAdapter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Regression (GroupCursor.advance): with an item subscription live on a connection, a group
 * subscription of the same group joining while writes go on got a sync advanced over the item's
 * events only, so the other items' changes committed meanwhile were never sent to it.
 */
class GroupJoinBesideItemSubscriptionTest {

  /** The in-memory store; one armed group snapshot waits, once taken, until released. */
  private static final class HeldSnapshots extends ForwardingStorageAdapter {
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch taken = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HeldSnapshots() {
      super(KvAdapter.inMemory());
    }

    @Override
    public GroupSnapshot snapshot(GroupKey group) {
      GroupSnapshot snapshot = delegate.snapshot(group);
      if (armed.compareAndSet(true, false)) {
        taken.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return snapshot;
    }
  }

  @Test
  void groupJoinDuringWritesBesideAnItemSubscriptionLosesNoOtherItemsChange() throws Exception {
    HeldSnapshots store = new HeldSnapshots();
    try (StreamEngine engine = StreamEngine.builder().storage(store).build();
        StreamWebSocketServer server =
            StreamWebSocketServer.builder(engine).port(0).build().start();
        JdkClient client = new JdkClient(server.port(), "/")) {
      engine.set("s", "g", "a", IntNode.valueOf(0));
      engine.set("s", "g", "b", IntNode.valueOf(0)); // seq 2
      List<JsonNode> messages = new ArrayList<>();
      client.join("item", "s", "g", "a");
      messages.add(client.next()); // the item's sync

      store.armed.set(true);
      client.join("group", "s", "g", null);
      assertThat(store.taken.await(10, TimeUnit.SECONDS)).isTrue(); // group snapshot at seq 2
      engine.set("s", "g", "a", IntNode.valueOf(1)); // 3: written through the item subscription
      engine.set("s", "g", "b", IntNode.valueOf(1)); // 4: reaches no live subscription here
      engine.set("s", "g", "a", IntNode.valueOf(2)); // 5: written through the item subscription
      messages.add(client.next());
      messages.add(client.next());
      store.release.countDown();
      messages.add(client.next()); // the group's sync
      engine.set("s", "g", "b", IntNode.valueOf(2)); // 6
      messages.add(client.next());

      assertThat(messages)
          .extracting(m -> type(m) + " " + m.path("id").asText("-") + " " + m.path("seq"))
          .containsExactly("sync a 2", "update a 3", "update a 5", "sync - 5", "update b 6");
      Map<String, JsonNode> synced = new HashMap<>();
      JsonNode sync = messages.get(3);
      for (int i = 0; i < sync.path("itemIds").size(); i++) {
        synced.put(sync.path("itemIds").get(i).asText(), sync.path("event").path("data").get(i));
      }
      assertThat(synced)
          .as("the group sync at seq 5 includes b@4")
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("a", IntNode.valueOf(2), "b", IntNode.valueOf(1)));
    }
  }

  private static String type(JsonNode m) {
    return m.path("event").path("type").asText();
  }
}
