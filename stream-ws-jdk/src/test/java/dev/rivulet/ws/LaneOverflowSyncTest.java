package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.Snapshot;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamListener;
import dev.rivulet.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket subscription whose group lane overflows (here: a slow in-process listener of the same
 * group holds the lane) gets a fresh sync of the stored state, then live events with no gap.
 */
class LaneOverflowSyncTest {
  private static final int LIMIT = 4;
  private static final int WRITES = 30;

  @Test
  void webSocketSubscriberGetsAFreshSyncAfterItsGroupLaneOverflowed() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (StreamEngine engine = StreamEngine.builder().subscriberQueueLimit(LIMIT).build();
        StreamWebSocketServer server = StreamWebSocketServer.builder(engine).port(0).build()) {
      server.start();
      JdkClient client = new JdkClient(server.port(), "/");
      List<JsonNode> messages = new ArrayList<>();
      Snapshot stored;
      try {
        client.join("sub", "s", "g", null);
        messages.add(client.poll(10_000)); // the first sync
        Subscription slow =
            engine.subscribe("s", "g", null, blockingOnFirstEvent(entered, release));
        engine.set("s", "g", "i0", IntNode.valueOf(0));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < WRITES; i++) {
          engine.set("s", "g", "i" + (i % 3), IntNode.valueOf(i));
        }
        release.countDown();
        for (JsonNode m = null; m == null || !type(m).equals("sync"); ) {
          m = client.poll(10_000);
          assertThat(m).as("a message (closed: %s)", client.closed).isNotNull();
          messages.add(m);
        }
        stored = engine.snapshot("s", "g", null);
        engine.set("s", "g", "i0", IntNode.valueOf(-1));
        messages.add(client.poll(10_000));
        slow.close();
      } finally {
        client.close();
      }
      assertThat(messages)
          .extracting(m -> type(m) + " " + m.path("seq").asLong())
          .containsExactly("sync 0", "create 1", "sync " + WRITES, "update " + (WRITES + 1));
      assertThat(messages.get(2).path("event"))
          .isEqualTo(stored.toSyncJson().path("event")); // the stored state at the resync
    }
  }

  private static StreamListener blockingOnFirstEvent(CountDownLatch entered, CountDownLatch go) {
    return new StreamListener() {
      @Override
      public void onSnapshot(Snapshot snapshot, boolean resync) {}

      @Override
      public void onEvent(StreamEvent event) {
        if (entered.getCount() > 0) {
          entered.countDown();
          try {
            go.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
  }

  private static String type(JsonNode m) {
    return m.path("event").path("type").asText();
  }
}
