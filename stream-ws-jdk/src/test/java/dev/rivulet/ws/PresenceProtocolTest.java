package dev.rivulet.ws;

import static dev.rivulet.ws.StreamProtocolTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.JoinRequest;
import dev.rivulet.Presence;
import dev.rivulet.StreamEngine;
import dev.rivulet.Trigger;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code stream::presence} fed by real WebSocket joins (SPEC §11 "Presence"): an accepted join is
 * listed with its item and the connection's auth context once its sync arrived; a leave, a closed
 * connection or a refused join leaves nothing behind.
 */
class PresenceProtocolTest {
  private StreamEngine engine;
  private StreamWebSocketServer server;
  private final BlockingQueue<JoinRequest> leaves = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
    engine
        .functions()
        .register(
            "auth",
            in -> {
              String user = in.path("query_params").path("user").path(0).asText();
              return json("{\"context\":{\"user\":\"" + user + "\"}}");
            });
    engine
        .triggers()
        .register(
            Trigger.onJoin()
                .id("gate")
                .authorize(request -> !request.subscriptionId().equals("refused")));
    engine.triggers().register(Trigger.onLeave().id("leaves").handle(leaves::add));
    server = StreamWebSocketServer.builder(engine).port(0).authFunction("auth").build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  private JsonNode presence(String group) {
    return engine.invoke(
        "stream::presence", json("{\"stream_name\":\"chat\",\"group_id\":\"" + group + "\"}"));
  }

  private static List<String> subscriptions(JsonNode presence) {
    return java.util.stream.StreamSupport.stream(presence.spliterator(), false)
        .map(p -> p.get("subscription_id").asText())
        .toList();
  }

  /** The leave trigger runs after the entry is gone: waiting for it is waiting for the leave. */
  private void awaitLeave(String subscriptionId) throws InterruptedException {
    JoinRequest left = leaves.poll(10, TimeUnit.SECONDS);
    assertThat(left).as("leave of " + subscriptionId).isNotNull();
    assertThat(left.subscriptionId()).isEqualTo(subscriptionId);
  }

  @Test
  void joinsAreListedWithItemAndAuthContextUntilTheyLeaveOrTheConnectionCloses() throws Exception {
    JdkClient bob = new JdkClient(server.port(), "/?user=bob"); // closed below, mid-test
    try (JdkClient ada = new JdkClient(server.port(), "/?user=ada")) {
      ada.join("whole", "chat", "room", null);
      assertThat(ada.next().path("event").path("type").asText()).isEqualTo("sync");
      bob.join("one", "chat", "room", "msg-1");
      assertThat(bob.next().path("event").path("type").asText()).isEqualTo("sync");
      bob.join("elsewhere", "chat", "lobby", null);
      bob.next();

      JsonNode room = presence("room");
      assertThat(subscriptions(room)).containsExactly("whole", "one");
      assertThat(room.get(0).get("id").isNull()).isTrue();
      assertThat(room.get(0).get("context")).isEqualTo(json("{\"user\":\"ada\"}"));
      assertThat(room.get(1).get("id").asText()).isEqualTo("msg-1");
      assertThat(room.get(1).get("context")).isEqualTo(json("{\"user\":\"bob\"}"));
      assertThat(room.get(0).get("joined_at").asLong())
          .isLessThanOrEqualTo(room.get(1).get("joined_at").asLong())
          .isGreaterThan(0);
      List<Presence> typed = engine.stream("chat").group("room").presence();
      assertThat(typed).extracting(Presence::itemId).containsExactly(null, "msg-1");
      assertThat(subscriptions(presence("lobby"))).containsExactly("elsewhere");

      ada.leave("whole", "chat", "room", null);
      awaitLeave("whole");
      assertThat(subscriptions(presence("room"))).containsExactly("one");

      bob.close();
      JoinRequest first = leaves.poll(10, TimeUnit.SECONDS);
      JoinRequest second = leaves.poll(10, TimeUnit.SECONDS);
      assertThat(List.of(first.subscriptionId(), second.subscriptionId()))
          .containsExactlyInAnyOrder("one", "elsewhere");
      assertThat(presence("room")).isEmpty();
      assertThat(presence("lobby")).isEmpty();
    }
  }

  @Test
  void aRefusedJoinIsNotListedAndAReplacingJoinIsListedOnce() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/?user=cy")) {
      c.join("refused", "chat", "room", null);
      assertThat(c.next().path("event").path("type").asText()).isEqualTo("unauthorized");
      c.join("s", "chat", "room", null);
      c.next();
      c.join("s", "chat", "room", "msg-2"); // same id: replaces the group join
      assertThat(c.next().path("id").asText()).isEqualTo("msg-2");
      JsonNode room = presence("room");
      assertThat(subscriptions(room)).containsExactly("s");
      assertThat(room.get(0).get("id").asText()).isEqualTo("msg-2");
    }
    awaitLeave("s");
    assertThat(presence("room")).isEmpty();
  }

  @Test
  void aPathJoinIsListedUnderItsPath() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/stream/chat/room?user=di")) {
      c.next();
      JsonNode room = presence("room");
      assertThat(subscriptions(room)).containsExactly("/stream/chat/room");
      assertThat(room.get(0).get("context")).isEqualTo(json("{\"user\":\"di\"}"));
    }
    awaitLeave("/stream/chat/room");
    assertThat(presence("room")).isEmpty();
  }
}
