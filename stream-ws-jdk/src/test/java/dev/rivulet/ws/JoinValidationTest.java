package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.Trigger;
import dev.rivulet.TriggerType;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Joins whose names break the rules (SPEC §2, §9 "Names") get an {@code error} event addressed to
 * their subscription instead of no answer at all (obs 10); no join trigger runs for them.
 */
class JoinValidationTest {
  StreamEngine engine;
  StreamWebSocketServer server;
  final BlockingQueue<JsonNode> joins = new LinkedBlockingQueue<>();

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
                  return null;
                }));
    server = StreamWebSocketServer.builder(engine).port(0).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  private static String join(String sub, String stream, String group, String idJson) {
    return "{\"type\":\"join\",\"data\":{\"subscriptionId\":"
        + sub
        + ",\"streamName\":"
        + stream
        + ",\"groupId\":"
        + group
        + (idJson == null ? "" : ",\"id\":" + idJson)
        + "}}";
  }

  /** Sends a bad join, expects its error event, and checks the connection still serves joins. */
  private JsonNode refused(String message) throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.send(message);
      JsonNode error = c.next();
      assertThat(error.path("type").asText()).isEqualTo("stream");
      assertThat(error.path("event").path("type").asText()).isEqualTo("error");
      assertThat(error.path("event").path("message").asText()).isNotEmpty();
      assertThat(error.has("timestamp")).isTrue();
      c.join("ok", "s", "g", null);
      JsonNode sync = c.next();
      assertThat(sync.path("event").path("type").asText()).isEqualTo("sync");
      assertThat(joins.take().path("subscription_id").asText()).isEqualTo("ok");
      assertThat(joins).isEmpty(); // the refused join ran no trigger
      return error;
    }
  }

  @Test
  void anEmptyStreamNameIsAnsweredWithInvalidArgument() throws Exception {
    JsonNode error = refused(join("\"sub-1\"", "\"\"", "\"g\"", null));
    assertThat(error.path("subscriptionId").asText()).isEqualTo("sub-1");
    assertThat(error.path("event").path("code").asText()).isEqualTo("invalid_argument");
    assertThat(error.path("event").path("message").asText()).contains("streamName");
    assertThat(error.path("streamName").asText()).isEmpty();
    assertThat(error.path("groupId").asText()).isEqualTo("g");
    assertThat(error.get("id").isNull()).isTrue();
  }

  @Test
  void aNameOver512Utf8BytesIsAnsweredWithInvalidArgument() throws Exception {
    String big = "\"" + "é".repeat(257) + "\""; // 514 bytes
    JsonNode error = refused(join("\"sub-2\"", "\"s\"", big, null));
    assertThat(error.path("subscriptionId").asText()).isEqualTo("sub-2");
    assertThat(error.path("event").path("code").asText()).isEqualTo("invalid_argument");
    assertThat(error.path("event").path("message").asText()).contains("groupId", "512");
    JsonNode fits = refusedNot(join("\"sub-3\"", "\"s\"", "\"" + "é".repeat(256) + "\"", null));
    assertThat(fits.path("event").path("type").asText()).isEqualTo("sync");
  }

  @Test
  void aLoneSurrogateInAnItemIdIsAnsweredWithInvalidArgument() throws Exception {
    JsonNode error = refused(join("\"sub-4\"", "\"s\"", "\"g\"", "\"a\\ud800b\""));
    assertThat(error.path("subscriptionId").asText()).isEqualTo("sub-4");
    assertThat(error.path("event").path("code").asText()).isEqualTo("invalid_argument");
    assertThat(error.path("event").path("message").asText()).contains("id", "surrogate");
    assertThat(error.path("id").asText()).isEqualTo("a\ud800b");
  }

  @Test
  void aNameOfTheWrongTypeIsAnsweredWithDeserializationError() throws Exception {
    JsonNode error = refused(join("\"sub-5\"", "42", "\"g\"", null));
    assertThat(error.path("subscriptionId").asText()).isEqualTo("sub-5");
    assertThat(error.path("event").path("code").asText()).isEqualTo("deserialization_error");
    assertThat(error.path("streamName").asInt()).isEqualTo(42);
    JsonNode badId = refused(join("\"sub-6\"", "\"s\"", "\"g\"", "{\"x\":1}"));
    assertThat(badId.path("event").path("code").asText()).isEqualTo("deserialization_error");
    JsonNode badSub = refused(join("7", "\"s\"", "\"g\"", null));
    assertThat(badSub.path("subscriptionId").asInt()).isEqualTo(7);
    JsonNode emptySub = refused(join("\"\"", "\"s\"", "\"g\"", null));
    assertThat(emptySub.path("event").path("code").asText()).isEqualTo("invalid_argument");
  }

  @Test
  void aLongSubscriptionIdIsNotANameAndIsFine() throws Exception {
    JsonNode sync = refusedNot(join("\"" + "s".repeat(2000) + "\"", "\"s\"", "\"g\"", null));
    assertThat(sync.path("event").path("type").asText()).isEqualTo("sync");
  }

  @Test
  void aPathJoinWithLongEncodedNamesWithinTheLimitIsServed() throws Exception {
    String name = "%C3%A9".repeat(250); // 500 UTF-8 bytes, a 1 500-byte path segment
    try (RawClient raw = RawClient.connect(server.port(), "/stream/" + name + "/" + name)) {
      assertThat(raw.read().text()).contains("\"sync\"");
    }
  }

  @Test
  void joinsMissingARequiredFieldStayIgnoredAsBefore() throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.send("{\"type\":\"join\",\"data\":{\"streamName\":\"orders\"}}");
      c.send("{\"type\":\"join\",\"data\":{\"subscriptionId\":\"x\",\"streamName\":\"s\"}}");
      c.send(join("null", "\"s\"", "\"g\"", null));
      c.join("ok", "s", "g", null);
      // the only answer is the sync of the good join
      assertThat(c.next().path("event").path("type").asText()).isEqualTo("sync");
    }
  }

  @Test
  void aPathJoinWithAnOversizedNameIsRefused400() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(
          "GET /stream/s/"
              + "g".repeat(513)
              + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      String response = raw.readResponse();
      assertThat(response).startsWith("HTTP/1.1 400").contains("invalid_argument");
    }
  }

  private JsonNode refusedNot(String message) throws Exception {
    try (JdkClient c = new JdkClient(server.port(), "/")) {
      c.send(message);
      return c.next();
    }
  }
}
