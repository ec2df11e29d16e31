package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamEngine;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A join with {@code "sync": false} gets no sync, only the later events with seq (SPEC §11). */
class LiveOnlyJoinTest {
  private final StreamEngine engine = StreamEngine.builder().build();
  private final StreamWebSocketServer server =
      StreamWebSocketServer.builder(engine).port(0).build().start();

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  private static String join(String sub, String item, boolean sync) {
    return "{\"type\":\"join\",\"data\":{\"subscriptionId\":\""
        + sub
        + "\",\"streamName\":\"s\",\"groupId\":\"g\""
        + (item == null ? "" : ",\"id\":\"" + item + "\"")
        + ",\"sync\":"
        + sync
        + "}}";
  }

  @Test
  void aLiveOnlyJoinGetsNoSnapshotOnlyWhatHappensNext() throws Exception {
    engine.set("s", "g", "a", IntNode.valueOf(1));
    engine.set("s", "g", "b", IntNode.valueOf(2));
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.send(join("live", null, false));
      c.send(join("item", "a", false));
      await().atMost(Duration.ofSeconds(10)).until(() -> engine.stats().subscribers() == 2);
      engine.set("s", "g", "a", IntNode.valueOf(10));
      engine.set("s", "g", "c", IntNode.valueOf(3));
      JsonNode first = c.next();
      assertThat(first.path("event").path("type").asText()).isEqualTo("update");
      assertThat(first.get("id").asText()).isEqualTo("a");
      assertThat(first.get("seq").asLong()).isEqualTo(3);
      JsonNode second = c.next();
      assertThat(second.path("event").path("type").asText()).isEqualTo("create");
      assertThat(second.get("seq").asLong()).isEqualTo(4);
      assertThat(c.poll(300)).as("nothing else: no sync, no duplicate").isNull();

      c.send(join("full", null, true)); // an ordinary join on the same connection still syncs
      JsonNode sync = c.next();
      assertThat(sync.path("event").path("type").asText()).isEqualTo("sync");
      assertThat(sync.get("seq").asLong()).isEqualTo(4);
    }
  }
}
