package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A join with {@code since} replays what the client missed instead of a sync (SPEC §5.5). */
class ResumeProtocolTest {
  private final StreamEngine engine = StreamEngine.builder().build();
  private final StreamWebSocketServer server =
      StreamWebSocketServer.builder(engine).port(0).build().start();

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  private static String join(String since) {
    return "{\"type\":\"join\",\"data\":{\"subscriptionId\":\"r\",\"streamName\":\"s\","
        + "\"groupId\":\"g\""
        + (since == null ? "" : ",\"since\":" + since)
        + "}}";
  }

  @Test
  void joinWithSinceReplaysTheMissedEventsThenGoesLive() throws Exception {
    for (int i = 0; i < 10; i++) {
      engine.set("s", "g", "i" + (i % 4), IntNode.valueOf(i));
    }
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.ws.sendText(join("6"), true).get(10, TimeUnit.SECONDS);
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        JsonNode msg = c.next();
        assertThat(msg.path("event").path("type").asText()).isNotEqualTo("sync");
        seqs.add(msg.get("seq").asLong());
      }
      assertThat(seqs).containsExactly(7L, 8L, 9L, 10L);
      engine.set("s", "g", "live", IntNode.valueOf(1));
      assertThat(c.next().get("seq").asLong()).isEqualTo(11L);
    }
  }

  @Test
  void joinWithAnUnusableSinceGetsANormalSync() throws Exception {
    engine.set("s", "g", "a", IntNode.valueOf(1));
    for (String since : List.of("99", "-1", "\"x\"", "1.5")) {
      try (JdkClient c = new JdkClient(server.port(), "/")) {
        c.ws.sendText(join(since), true).get(10, TimeUnit.SECONDS);
        JsonNode msg = c.next();
        assertThat(msg.path("event").path("type").asText()).as("since " + since).isEqualTo("sync");
        assertThat(msg.get("seq").asLong()).isEqualTo(1L);
      }
    }
  }
}
