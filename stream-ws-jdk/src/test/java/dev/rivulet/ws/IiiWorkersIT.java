package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §12 against the real npm {@code iii-sdk} 0.22.1: the scenarios of {@code src/test/node} run
 * in node against a server with {@code iiiWorkers(true)}, and the tests check both what the SDK saw
 * and the engine's state.
 */
class IiiWorkersIT {
  private StreamEngine engine;
  private StreamWebSocketServer server;
  private String url;

  @BeforeAll
  static void nodeAndSdk() throws Exception {
    NodeWorker.assumeAvailable();
  }

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
    server =
        StreamWebSocketServer.builder(engine).port(0).httpInvoke(true).iiiWorkers(true).build();
    server.start();
    url = "ws://127.0.0.1:" + server.port() + "/iii";
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  private static JsonNode json(String text) throws Exception {
    return JdkClient.MAPPER.readTree(text);
  }

  @Test
  void theSeedsPresenceExampleRunsUnchangedAndItsGroupFilteredTriggerFires() throws Exception {
    try (NodeWorker node = NodeWorker.start("presence.mjs", url)) {
      assertThat(node.await("user").get("user"))
          .isEqualTo(json("{\"name\":\"Alice\",\"online\":true}"));
      JsonNode filtered = node.await("events").get("filtered");
      assertThat(filtered).as("only room-1's change, not room-2's").hasSize(1);
      JsonNode event = filtered.get(0);
      assertThat(event.get("type").asText()).isEqualTo("stream");
      assertThat(event.get("streamName").asText()).isEqualTo("presence");
      assertThat(event.get("groupId").asText()).isEqualTo("room-1");
      assertThat(event.get("id").asText()).isEqualTo("user-123");
      assertThat(event.get("timestamp").isNumber()).isTrue();
      assertThat(event.get("event"))
          .isEqualTo(json("{\"type\":\"update\",\"data\":{\"name\":\"Alice\",\"online\":false}}"));
      assertThat(node.exitCode()).as(node.output()).isZero();
    }
    assertThat(engine.get("presence", "room-1", "user-123"))
        .isEqualTo(json("{\"name\":\"Alice\",\"online\":false}"));
    // shutdown() closed the connection: its functions and triggers left the engine
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(engine.functions().find("presence::on-change")).isEmpty();
              assertThat(server.iii().workers()).isZero();
            });
  }

  @Test
  void streamFunctionsThroughTriggerHaveTheReferenceShapesAndUnknownIdsAreNotFound()
      throws Exception {
    JsonNode r;
    try (NodeWorker node = NodeWorker.start("results.mjs", url)) {
      r = node.await("results");
      assertThat(node.exitCode()).as(node.output()).isZero();
    }
    assertThat(r.get("set").get("result"))
        .isEqualTo(json("{\"old_value\":null,\"new_value\":{\"n\":1},\"version\":1}"));
    assertThat(r.get("setAgain").get("result"))
        .isEqualTo(json("{\"old_value\":{\"n\":1},\"new_value\":{\"n\":2},\"version\":2}"));
    assertThat(r.get("get").get("result")).isEqualTo(json("{\"n\":2}"));
    assertThat(r.get("getMissing").get("result").asText()).isEqualTo("<undefined>");
    assertThat(r.get("update").get("result"))
        .isEqualTo(json("{\"old_value\":{\"n\":2},\"new_value\":{\"n\":7},\"version\":3}"));
    assertThat(r.get("list").get("result")).isEqualTo(json("[{\"n\":7}]"));
    assertThat(r.get("listGroups").get("result")).isEqualTo(json("[\"g1\"]"));
    assertThat(r.get("listAll").get("result"))
        .isEqualTo(json("{\"stream\":[{\"id\":\"shapes\",\"groups\":[\"g1\"]}],\"count\":1}"));
    assertThat(r.get("send").get("result").isNull()).isTrue();
    assertThat(r.get("delete").get("result"))
        .isEqualTo(json("{\"old_value\":{\"n\":7},\"version\":5}"));
    assertThat(r.get("deleteMissing").get("result"))
        .isEqualTo(json("{\"old_value\":null,\"version\":0}"));
    assertThat(r.get("badInput").get("error").get("code").asText())
        .isEqualTo("deserialization_error");
    JsonNode unknown = r.get("unknown").get("error");
    assertThat(unknown.get("name").asText()).isEqualTo("InvocationError");
    assertThat(unknown.get("code").asText()).isEqualTo("function_not_found");
  }

  @Test
  void aWorkersFunctionsAndTriggersServeJavaHttpOtherWorkersAndSubscribersUntilItShutsDown()
      throws Exception {
    try (NodeWorker node = NodeWorker.start("serve.mjs", url)) {
      node.await("ready");

      // from Java
      assertThat(engine.invoke("calc::add", json("{\"a\":1,\"b\":2}")))
          .isEqualTo(json("{\"sum\":3}"));
      assertThatThrownBy(() -> engine.invoke("calc::fail", json("{}")))
          .isInstanceOfSatisfying(
              StreamException.class,
              e -> {
                assertThat(e.code()).isEqualTo("invocation_failed");
                assertThat(e.getMessage()).contains("deliberate failure");
              });

      // over HTTP invoke
      HttpResponse<String> http =
          JdkClient.HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/invoke/calc::add"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"a\":2,\"b\":3}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(http.statusCode()).isEqualTo(200);
      assertThat(json(http.body())).isEqualTo(json("{\"sum\":5}"));

      // from a second worker
      try (NodeWorker caller = NodeWorker.start("caller.mjs", url)) {
        JsonNode called = caller.await("called");
        assertThat(called.get("sum")).isEqualTo(json("{\"sum\":42}"));
        assertThat(called.get("failure").get("code").asText()).isEqualTo("invocation_failed");
        assertThat(called.get("failure").get("message").asText()).contains("deliberate failure");
        assertThat(caller.exitCode()).as(caller.output()).isZero();
      }

      // a stream trigger gets the event message of SPEC §5.1
      engine.set("watched", "other", "x", json("{\"v\":0}"));
      engine.set("watched", "g", "i1", json("{\"v\":1}"));
      JsonNode payload = node.await("change").get("payload");
      assertThat(payload.get("groupId").asText()).isEqualTo("g");
      assertThat(payload.get("id").asText()).isEqualTo("i1");
      assertThat(payload.get("event")).isEqualTo(json("{\"type\":\"create\",\"data\":{\"v\":1}}"));
      assertThat(payload.get("seq").asLong()).isPositive();

      // the join gate refuses one group; a subscriber that leaves fires the leave trigger
      try (JdkClient client = new JdkClient(server.port(), "/")) {
        client.join("s1", "rooms", "secret", null);
        assertThat(client.next().path("event").path("type").asText()).isEqualTo("unauthorized");
        assertThat(node.await("join").get("req").get("group_id").asText()).isEqualTo("secret");
        client.join("s2", "rooms", "open", null);
        assertThat(client.next().path("event").path("type").asText()).isEqualTo("sync");
        JsonNode join = node.await("join").get("req");
        assertThat(join.get("subscription_id").asText()).isEqualTo("s2");
        assertThat(join.has("context")).isTrue();
      }
      JsonNode leave = node.await("leave").get("req");
      assertThat(leave.get("subscription_id").asText())
          .as("no leave for refused s1")
          .isEqualTo("s2");
      assertThat(leave.get("group_id").asText()).isEqualTo("open");

      // iii.shutdown(): everything the worker registered leaves the engine
      node.stop();
      node.await("stopped");
      assertThat(node.exitCode()).as(node.output()).isZero();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engine.functions().find("calc::add").isEmpty());
    assertThat(server.iii().workers()).isZero();
    assertThatThrownBy(() -> engine.invoke("calc::add", json("{}")))
        .isInstanceOfSatisfying(
            StreamException.class, e -> assertThat(e.code()).isEqualTo("function_not_found"));
    try (JdkClient client = new JdkClient(server.port(), "/")) {
      client.join("s3", "rooms", "secret", null);
      assertThat(client.next().path("event").path("type").asText())
          .as("the gate left with its worker")
          .isEqualTo("sync");
    }
  }

  @Test
  void createStreamOverridesTakeOverThatStreamsStorageWhileEventsStillComeFromTheEngine()
      throws Exception {
    try (NodeWorker node = NodeWorker.start("override.mjs", url);
        JdkClient subscriber = new JdkClient(server.port(), "/")) {
      node.await("ready");
      assertThat(engine.functions().find("stream::get(custom)")).isPresent();
      subscriber.join("s", "custom", "g", null);
      assertThat(subscriber.next().path("event").path("data")).isEqualTo(json("[]"));

      JsonNode set =
          engine.invoke(
              "stream::set",
              json(
                  "{\"stream_name\":\"custom\",\"group_id\":\"g\",\"item_id\":\"i\",\"data\":{\"v\":1}}"));
      assertThat(set).isEqualTo(json("{\"old_value\":null,\"new_value\":{\"v\":1},\"version\":1}"));
      assertThat(node.await("set").get("input").get("item_id").asText()).isEqualTo("i");
      assertThat(engine.get("custom", "g", "i")).isEqualTo(json("{\"v\":1}"));
      assertThat(node.await("get").get("input").get("group_id").asText()).isEqualTo("g");
      JsonNode change = subscriber.next();
      assertThat(change.path("event").path("type").asText()).isEqualTo("create");
      assertThat(change.path("event").path("data")).isEqualTo(json("{\"v\":1}"));
      node.stop();
      assertThat(node.exitCode()).as(node.output()).isZero();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engine.functions().find("stream::get(custom)").isEmpty());
    assertThat(engine.get("custom", "g", "i")).as("the engine's own storage again").isNull();
  }

  @Test
  void aWorkerCutOffAbruptlyReconnectsAndItsFunctionsAndTriggersWorkAgain() throws Exception {
    try (NodeWorker node = NodeWorker.start("serve.mjs", url)) {
      node.await("ready");
      WorkerSession first = server.iii().sessions.values().iterator().next();
      Connection socket = first.connection();
      socket.loop.execute(socket::terminate); // no close frame: as if the network dropped

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(server.iii().sessions).doesNotContainKey(first.workerId).hasSize(1);
                assertThat(engine.functions().find("calc::add"))
                    .containsInstanceOf(WorkerSession.WorkerFunction.class)
                    .get()
                    .extracting(f -> ((WorkerSession.WorkerFunction) f).owner)
                    .isNotSameAs(first);
              });
      assertThat(engine.invoke("calc::add", json("{\"a\":20,\"b\":3}")))
          .isEqualTo(json("{\"sum\":23}"));
      // its replayed trigger fires again (the reference's issue #2096)
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  server.iii().sessions.values().stream()
                      .anyMatch(s -> s.ownsTriggerFor("watch::on-change")));
      engine.set("watched", "g", "again", json("{\"v\":2}"));
      JsonNode payload = node.await("change").get("payload");
      assertThat(payload.get("id").asText()).isEqualTo("again");
      node.stop();
      assertThat(node.exitCode()).as(node.output()).isZero();
    }
  }
}
