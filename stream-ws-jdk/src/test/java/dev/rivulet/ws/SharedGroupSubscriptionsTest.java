package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A group subscription and an item subscription of the same group on one connection, the second
 * joining while writers are busy: every event is written once to the connection, and each
 * subscription, seen the way a client sees it (its sync, then the matching messages after it), ends
 * in the stored state.
 */
class SharedGroupSubscriptionsTest {
  private static final int ITEMS = 4;

  StreamEngine engine;
  StreamWebSocketServer server;
  ExecutorService pool;

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
    // the JDK client reads slowly; this test is about ordering, not about slow consumers
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .outboundQueueBytes(256 * 1024 * 1024)
            .build()
            .start();
    pool = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    server.close();
    engine.close();
  }

  @Test
  void secondSubscriptionOfAGroupJoiningUnderWritesGetsNoEventTwiceAndEndsInTheStoredState()
      throws Exception {
    // the race: the second snapshot is older than what the connection was already sent. The old
    // code then re-sent events (seen below as a sync older than written events, and duplicates);
    // the fix sends a sync advanced to the last written seq. Repeat (bounded) until it happened.
    AtomicLong advanced = ((StreamProtocol) protocolField().get(server)).advancedSyncs;
    int raced = 0;
    for (int round = 0; round < 20 && raced + advanced.get() == 0; round++) {
      raced += round("g" + round);
    }
    assertThat(raced + advanced.get()).as("joins that raced with writes").isPositive();
  }

  private static java.lang.reflect.Field protocolField() throws ReflectiveOperationException {
    var f = StreamWebSocketServer.class.getDeclaredField("protocol");
    f.setAccessible(true);
    return f;
  }

  /** One round on a fresh group; returns how many joins saw the race. */
  private int round(String group) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<CompletableFuture<Void>> writing = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      int writer = w;
      writing.add(CompletableFuture.runAsync(() -> write(group, writer, stop), pool));
    }
    List<JdkClient> clients = new ArrayList<>();
    List<List<JsonNode>> received = new ArrayList<>();
    try {
      for (int k = 0; k < 8; k++) {
        JdkClient c = new JdkClient(server.port(), "/");
        clients.add(c);
        List<JsonNode> messages = new ArrayList<>();
        received.add(messages);
        String item = "item-" + (k % ITEMS);
        boolean groupFirst = k % 2 == 0;
        c.join("first", "race", group, groupFirst ? null : item);
        readUntilSync(c, messages);
        c.join("second", "race", group, groupFirst ? item : null);
        readUntilSync(c, messages);
      }
    } finally {
      stop.set(true);
      CompletableFuture.allOf(writing.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
    engine.send("race", group, "last", null, null);
    int raced = 0;
    for (int k = 0; k < clients.size(); k++) {
      JdkClient c = clients.get(k);
      List<JsonNode> messages = received.get(k);
      while (!isLast(messages.get(messages.size() - 1))) {
        messages.add(c.next());
      }
      raced += check(group, "item-" + (k % ITEMS), messages);
      c.close();
    }
    return raced;
  }

  private void write(String group, int writer, AtomicBoolean stop) {
    for (int i = 0; !stop.get(); i++) {
      LockSupport.parkNanos(100_000); // pace the load (a few thousand writes/s per writer)
      String item = "item-" + ThreadLocalRandom.current().nextInt(ITEMS);
      int op = i % 9;
      if (op == 0) {
        engine.delete("race", group, item);
      } else if (op == 1) {
        engine.send("race", group, "ping", JdkClient.MAPPER.createObjectNode(), item);
      } else {
        ObjectNode v = JdkClient.MAPPER.createObjectNode();
        v.put("id", item).put("w", writer).put("i", i);
        engine.set("race", group, item, v);
      }
    }
  }

  private static void readUntilSync(JdkClient c, List<JsonNode> messages) throws Exception {
    JsonNode m;
    do {
      m = c.poll(10_000);
      assertThat(m).as("next message (connection closed: %s)", c.closed).isNotNull();
      messages.add(m);
    } while (!type(m).equals("sync"));
  }

  private static String type(JsonNode m) {
    return m.path("event").path("type").asText();
  }

  private static boolean isLast(JsonNode m) {
    return type(m).equals("event")
        && m.path("event").path("event").path("type").asText().equals("last");
  }

  /**
   * Checks one connection's messages; returns 1 when its second sync came after events of a later
   * seq had already been written (the race), else 0.
   */
  private int check(String group, String item, List<JsonNode> messages) {
    Set<Long> written = new HashSet<>();
    long maxWritten = -1;
    int raced = 0;
    Map<String, JsonNode> groupState = null; // null until the group sync
    JsonNode itemState = null;
    boolean itemSynced = false;
    long groupSyncSeq = -1;
    long itemSyncSeq = -1;
    for (JsonNode m : messages) {
      long seq = m.path("seq").asLong();
      String type = type(m);
      String id = m.path("id").isNull() ? null : m.path("id").asText();
      if (type.equals("sync")) {
        if (seq < maxWritten) {
          raced = 1;
        }
        if (id == null) {
          groupState = new HashMap<>();
          JsonNode ids = m.path("itemIds");
          JsonNode data = m.path("event").path("data");
          for (int i = 0; i < data.size(); i++) {
            groupState.put(ids.get(i).asText(), data.get(i));
          }
          groupSyncSeq = seq;
        } else {
          itemState = m.path("event").path("data");
          itemSynced = true;
          itemSyncSeq = seq;
        }
        continue;
      }
      assertThat(written.add(seq)).as("seq %d written once to the connection", seq).isTrue();
      maxWritten = Math.max(maxWritten, seq);
      if (groupState != null) {
        assertThat(seq).as("group event after its sync").isGreaterThan(groupSyncSeq);
        apply(groupState, id, type, m);
      }
      if (itemSynced && item.equals(id)) {
        assertThat(seq).as("item event after its sync").isGreaterThan(itemSyncSeq);
        if (type.equals("delete")) {
          itemState = NullNode.getInstance();
        } else if (!type.equals("event")) {
          itemState = m.path("event").path("data");
        }
      }
    }
    Map<String, JsonNode> stored = new HashMap<>();
    engine.list("race", group).forEach(v -> stored.put(v.path("id").asText(), v));
    assertThat(groupState).as("group subscription state").isEqualTo(stored);
    JsonNode storedItem = engine.get("race", group, item);
    assertThat(itemState)
        .as("item subscription state")
        .isEqualTo(storedItem == null ? NullNode.getInstance() : storedItem);
    return raced;
  }

  private static void apply(Map<String, JsonNode> state, String id, String type, JsonNode m) {
    if (id == null || type.equals("event")) {
      return;
    }
    if (type.equals("delete")) {
      state.remove(id);
    } else {
      state.put(id, m.path("event").path("data"));
    }
  }
}
