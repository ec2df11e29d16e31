package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.Trigger;
import dev.rivulet.TriggerType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC §5.4–5.5 over the JDK WebSocket client. */
class StreamProtocolTest {
  StreamEngine engine;
  StreamWebSocketServer server;
  final BlockingQueue<JsonNode> joins = new LinkedBlockingQueue<>();
  final BlockingQueue<JsonNode> leaves = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
    engine
        .triggers()
        .register(
            Trigger.toHandler(
                "joins",
                TriggerType.JOIN,
                null,
                in -> {
                  joins.add(in);
                  boolean refuse = in.path("group_id").asText().equals("secret");
                  return refuse ? JdkClient.MAPPER.readTree("{\"unauthorized\":true}") : null;
                }));
    engine
        .triggers()
        .register(
            Trigger.toHandler(
                "leaves",
                TriggerType.LEAVE,
                null,
                in -> {
                  leaves.add(in);
                  return null;
                }));
    server = StreamWebSocketServer.builder(engine).port(0).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  static JsonNode json(String s) {
    try {
      return JdkClient.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void groupJoinGetsSyncOfAllValuesThenEveryChange() throws Exception {
    engine.set("orders", "group-a", "item-1", json("{\"status\":\"open\"}"));
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.join("sub-1", "orders", "group-a", null);
      JsonNode sync = c.next();
      assertThat(sync.path("event").path("type").asText()).isEqualTo("sync");
      assertThat(sync.path("event").path("data")).isEqualTo(json("[{\"status\":\"open\"}]"));
      assertThat(sync.get("id").isNull()).isTrue();
      assertThat(sync.path("seq").asLong()).isEqualTo(1);
      engine.set("orders", "group-a", "item-2", json("2"));
      engine.set("orders", "group-a", "item-1", json("3"));
      engine.delete("orders", "group-a", "item-2");
      engine.send("orders", "group-a", "custom", json("{\"count\":1}"), null);
      assertThat(c.next().path("event").path("type").asText()).isEqualTo("create");
      assertThat(c.next().path("event").path("type").asText()).isEqualTo("update");
      JsonNode delete = c.next();
      assertThat(delete.path("event")).isEqualTo(json("{\"type\":\"delete\",\"data\":2}"));
      JsonNode custom = c.next();
      assertThat(custom.path("event"))
          .isEqualTo(
              json("{\"type\":\"event\",\"event\":{\"type\":\"custom\",\"data\":{\"count\":1}}}"));
      assertThat(custom.path("seq").asLong()).isEqualTo(5);
      assertThat(custom.get("id").isNull()).isTrue();
    }
  }

  @Test
  void itemJoinGetsValueSyncAndOnlyThatItemsMessages() throws Exception {
    engine.set("orders", "group-a", "item-1", json("{\"status\":\"open\"}"));
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.join("sub-1", "orders", "group-a", "item-1");
      JsonNode sync = c.next();
      assertThat(sync.path("event"))
          .isEqualTo(json("{\"type\":\"sync\",\"data\":{\"status\":\"open\"}}"));
      assertThat(sync.path("id").asText()).isEqualTo("item-1");
      engine.set("orders", "group-a", "item-2", json("1"));
      engine.send("orders", "group-a", "no-id", json("1"), null);
      engine.set("orders", "group-a", "item-1", json("2"));
      JsonNode next = c.next();
      assertThat(next.path("id").asText()).isEqualTo("item-1");
      assertThat(next.path("event").path("data").asInt()).isEqualTo(2);
      assertThat(c.poll(100)).isNull();
    }
  }

  @Test
  void itemJoinOfMissingItemSyncsNull() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.join("sub-1", "orders", "group-a", "nothing");
      assertThat(c.next().path("event")).isEqualTo(json("{\"type\":\"sync\",\"data\":null}"));
    }
  }

  @Test
  void emptyInvalidAndUnknownMessagesAreIgnoredAndTheConnectionStays() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.send("");
      c.send("   \n ");
      c.send("not-json");
      c.sendBinary("nope");
      c.send("{\"type\":\"dance\",\"data\":{}}");
      c.send("{\"type\":\"join\",\"data\":{\"streamName\":\"orders\"}}");
      c.send("[1,2]");
      c.sendBinary(JdkClient.message("join", "s", "orders", "group-a", null));
      JsonNode sync = c.next();
      assertThat(sync.path("event").path("type").asText()).isEqualTo("sync");
      assertThat(sync.path("event").path("data")).isEqualTo(json("[]"));
    }
  }

  /** SPEC §9: a number outside the double range makes a message invalid JSON, so it is ignored. */
  @Test
  void aMessageHoldingANumberOutsideTheDoubleRangeIsIgnored() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      String join = JdkClient.message("join", "huge", "orders", "group-a", null);
      c.send(join.substring(0, join.length() - 2) + ",\"since\":1e400}}");
      c.send(JdkClient.message("join", "ok", "orders", "group-a", null));
      JsonNode sync = c.next();
      assertThat(sync.path("event").path("type").asText()).isEqualTo("sync");
      // the first join the triggers saw is the second message: the first was dropped
      assertThat(joins.poll(10, TimeUnit.SECONDS).path("subscription_id").asText()).isEqualTo("ok");
    }
  }

  @Test
  void refusedJoinGetsUnauthorizedAndNoSubscriptionNoLeave() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.join("sub-1", "orders", "secret", "item-1");
      JsonNode m = c.next();
      assertThat(m.path("event")).isEqualTo(json("{\"type\":\"unauthorized\"}"));
      assertThat(m.path("streamName").asText()).isEqualTo("orders");
      assertThat(m.path("groupId").asText()).isEqualTo("secret");
      assertThat(m.path("id").asText()).isEqualTo("item-1");
      engine.set("orders", "secret", "item-1", json("1"));
      assertThat(c.poll(100)).isNull();
    }
    assertThat(leaves.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void leaveFiresTriggerAndStopsDelivery() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.join("sub-1", "orders", "group-a", null);
      c.next();
      c.leave("sub-1", "orders", "group-a", null);
      JsonNode leave = leaves.poll(5, TimeUnit.SECONDS);
      assertThat(leave.path("subscription_id").asText()).isEqualTo("sub-1");
      engine.set("orders", "group-a", "x", json("1"));
      assertThat(c.poll(200)).isNull();
    }
    assertThat(leaves.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void disconnectFiresOneLeavePerRemainingSubscription() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.join("sub-list", "orders", "group-a", null);
      c.join("sub-item", "orders", "group-a", "item-1");
      c.next();
      c.next();
    }
    JsonNode a = leaves.poll(5, TimeUnit.SECONDS);
    JsonNode b = leaves.poll(5, TimeUnit.SECONDS);
    assertThat(List.of(a.path("subscription_id").asText(), b.path("subscription_id").asText()))
        .containsExactlyInAnyOrder("sub-list", "sub-item");
    assertThat(leaves.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void sameSubscriptionIdReplacesWithoutLeave() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.join("sub-1", "orders", "group-a", null);
      c.next();
      c.join("sub-1", "orders", "group-b", null);
      assertThat(c.next().path("groupId").asText()).isEqualTo("group-b");
      engine.set("orders", "group-a", "x", json("1"));
      engine.set("orders", "group-b", "y", json("2"));
      assertThat(c.next().path("groupId").asText()).isEqualTo("group-b");
      assertThat(leaves.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
    assertThat(leaves.poll(5, TimeUnit.SECONDS).path("group_id").asText()).isEqualTo("group-b");
  }

  @Test
  void overlappingSubscriptionsGetEachMessageOnce() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.join("all", "orders", "group-a", null);
      c.join("item", "orders", "group-a", "item-1");
      c.join("all-again", "orders", "group-a", null);
      c.next();
      c.next();
      c.next();
      engine.set("orders", "group-a", "item-1", json("1"));
      engine.set("orders", "group-a", "item-2", json("2"));
      assertThat(c.next().path("seq").asLong()).isEqualTo(1);
      assertThat(c.next().path("seq").asLong()).isEqualTo(2);
      assertThat(c.poll(200)).isNull();
    }
  }

  @Test
  void eachEventIsEncodedOnceForAllSubscribers() throws Exception {
    List<JdkClient> clients = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        JdkClient c = new JdkClient(server.port(), "/");
        c.join("s", "orders", "fan", null);
        c.next();
        clients.add(c);
      }
      FrameCache frames = frameCache();
      long before = frames.encodings();
      for (int i = 0; i < 10; i++) {
        engine.set("orders", "fan", "i", json(String.valueOf(i)));
      }
      for (JdkClient c : clients) {
        for (int i = 0; i < 10; i++) {
          assertThat(c.next().path("event").path("data").asInt()).isEqualTo(i);
        }
      }
      assertThat(frames.encodings() - before).isEqualTo(10);
    } finally {
      clients.forEach(JdkClient::close);
    }
  }

  private FrameCache frameCache() throws ReflectiveOperationException {
    var f = StreamWebSocketServer.class.getDeclaredField("protocol");
    f.setAccessible(true);
    return ((StreamProtocol) f.get(server)).frames;
  }

  @Test
  void pathJoinSubscribesAtOnceWithThePathAsSubscriptionId() throws Exception {
    engine.set("my orders", "g/1", "item%", json("7"));
    try (JdkClient c = new JdkClient(server.port(), "/stream/my%20orders/g%2F1/item%25")) {
      JsonNode sync = c.next();
      assertThat(sync.path("streamName").asText()).isEqualTo("my orders");
      assertThat(sync.path("groupId").asText()).isEqualTo("g/1");
      assertThat(sync.path("id").asText()).isEqualTo("item%");
      assertThat(sync.path("event").path("data").asInt()).isEqualTo(7);
      JsonNode join = joins.poll(5, TimeUnit.SECONDS);
      assertThat(join.path("subscription_id").asText())
          .isEqualTo("/stream/my%20orders/g%2F1/item%25");
    }
  }

  @Test
  void authFunctionContextIsStampedOnJoinAndLeave() throws Exception {
    server.close();
    engine
        .functions()
        .register(
            "auth",
            in -> {
              if (!in.path("query_params").path("user").path(0).asText().equals("al ice")) {
                return json("{\"unauthorized\":true}");
              }
              assertThat(in.path("headers").path("x-app").asText()).isEqualTo("demo");
              assertThat(in.path("path").asText()).isEqualTo("/");
              assertThat(in.path("addr").asText()).startsWith("127.0.0.1:");
              return json("{\"context\":{\"user\":\"alice\"}}");
            });
    server = StreamWebSocketServer.builder(engine).port(0).authFunction("auth").build().start();
    try (JdkClient c =
        new JdkClient(
            server.port(),
            "/?user=al%20ice",
            JdkClient.HTTP.newWebSocketBuilder().header("X-App", "demo"))) {
      c.join("s", "orders", "group-a", null);
      c.next();
      assertThat(joins.poll(5, TimeUnit.SECONDS).path("context"))
          .isEqualTo(json("{\"user\":\"alice\"}"));
    }
    assertThat(leaves.poll(5, TimeUnit.SECONDS).path("context"))
        .isEqualTo(json("{\"user\":\"alice\"}"));
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(upgrade("/?user=bob", ""));
      assertThat(raw.readHead()).startsWith("HTTP/1.1 401");
    }
  }

  @Test
  void throwingAuthFunctionRefusesWith401() throws Exception {
    server.close();
    engine
        .functions()
        .register(
            "auth",
            in -> {
              throw new IllegalStateException("no");
            });
    server = StreamWebSocketServer.builder(engine).port(0).authFunction("auth").build().start();
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(upgrade("/", ""));
      assertThat(raw.readHead()).startsWith("HTTP/1.1 401");
    }
  }

  @Test
  void authTokenIsRequiredAsBearerOrQueryToken() throws Exception {
    server.close();
    server = StreamWebSocketServer.builder(engine).port(0).authToken("s3cret").build().start();
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(upgrade("/", ""));
      assertThat(raw.readHead()).startsWith("HTTP/1.1 401");
    }
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(upgrade("/?token=wrong", ""));
      assertThat(raw.readHead()).startsWith("HTTP/1.1 401");
    }
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(upgrade("/?token=s3cret", ""));
      assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
    }
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(upgrade("/", "Authorization: Bearer s3cret\r\n"));
      assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
    }
  }

  @Test
  void connectionLimitAnswers503AndSubscriptionLimitCloses1008() throws Exception {
    server.close();
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .maxConnections(1)
            .maxSubscriptionsPerConnection(2)
            .build()
            .start();
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      try (RawClient raw = new RawClient(server.port())) {
        raw.sendRaw(upgrade("/", ""));
        assertThat(raw.readHead()).startsWith("HTTP/1.1 503");
      }
      c.join("a", "s", "g", null);
      c.join("b", "s", "g", null);
      c.join("a", "s", "g", "replacing-is-fine");
      c.join("c", "s", "g", null);
      assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1008);
    }
  }

  @Test
  void messageRateLimitCloses1008() throws Exception {
    server.close();
    server = StreamWebSocketServer.builder(engine).port(0).maxMessagesPerSecond(5).build().start();
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      for (int i = 0; i < 50 && !c.closed.isDone(); i++) {
        c.send("{}");
      }
      assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1008);
    }
  }

  @Test
  void closeSendsGoingAwayAndFiresLeaves() throws Exception {
    JdkClient c = new JdkClient(server.port(), "/");
    c.join("sub-1", "orders", "group-a", null);
    c.next();
    server.close();
    assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
    assertThat(leaves.poll(5, TimeUnit.SECONDS).path("subscription_id").asText())
        .isEqualTo("sub-1");
    await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
    server.close(); // idempotent
  }

  static String upgrade(String path, String headers) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n"
        + headers
        + "\r\n";
  }
}
