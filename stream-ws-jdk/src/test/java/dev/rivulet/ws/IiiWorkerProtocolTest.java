package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /iii} endpoint spoken frame by frame (SPEC §12): bad input, timeouts, disconnects with
 * calls pending, reattach, the in-flight bound and who may connect. The real SDK is driven by
 * {@link IiiWorkersIT}.
 */
class IiiWorkerProtocolTest {
  private final StreamEngine engine = StreamEngine.builder().build();
  private StreamWebSocketServer server;

  private StreamWebSocketServer start(Consumer<StreamWebSocketServer.Builder> options) {
    StreamWebSocketServer.Builder b =
        StreamWebSocketServer.builder(engine).port(0).iiiWorkers(true);
    options.accept(b);
    server = b.build().start();
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    engine.close();
  }

  private JdkClient worker() throws InterruptedException {
    JdkClient c = new JdkClient(server.port(), "/iii");
    JsonNode hello = c.next();
    assertThat(hello.get("type").asText()).isEqualTo("workerregistered");
    assertThat(hello.get("worker_id").asText()).isNotBlank();
    assertThat(hello.get("reattach_token").asText()).isNotBlank();
    return c;
  }

  /** Registers {@code id} and waits until the engine has it. */
  private void register(JdkClient c, String id) {
    c.send("{\"type\":\"registerfunction\",\"id\":\"" + id + "\"}");
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.functions().find(id).isPresent());
  }

  private static JsonNode next(JdkClient c, String type) throws InterruptedException {
    JsonNode m = c.next();
    assertThat(m.get("type").asText()).as(m.toString()).isEqualTo(type);
    return m;
  }

  private static StreamException failure(CompletableFuture<?> call) throws Exception {
    try {
      call.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StreamException.class);
      return (StreamException) e.getCause();
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void badFramesAreAnsweredWhenTheyCarryAnInvocationIdElseIgnoredAndTheWorkerStays()
      throws Exception {
    start(b -> {});
    try (JdkClient c = worker()) {
      c.send("garbage");
      c.send("{}");
      c.send("{\"type\":\"teleport\",\"invocation_id\":\"i1\",\"function_id\":\"f\"}");
      JsonNode error = next(c, "invocationresult");
      assertThat(error.get("invocation_id").asText()).isEqualTo("i1");
      assertThat(error.get("error").get("code").asText()).isEqualTo("invalid_message");
      assertThat(error.get("error").get("message").isTextual()).isTrue();
      c.send("{\"type\":\"invocationresult\",\"invocation_id\":\"nobody-asked\",\"result\":1}");
      c.send("{\"type\":\"ping\"}");
      next(c, "pong");
      assertThat(server.iii().ignored.get()).isEqualTo(4);
    }
  }

  @Test
  void unknownFunctionsAreNotFoundAndVoidCallsGetNoReply() throws Exception {
    start(b -> {});
    try (JdkClient c = worker()) {
      c.send("{\"type\":\"invokefunction\",\"function_id\":\"nope::x\",\"data\":{}}");
      c.send(
          "{\"type\":\"invokefunction\",\"invocation_id\":\"i2\",\"function_id\":\"nope::x\","
              + "\"data\":{}}");
      JsonNode answer = next(c, "invocationresult");
      assertThat(answer.get("invocation_id").asText()).as("the void call got none").isEqualTo("i2");
      assertThat(answer.get("error").get("code").asText()).isEqualTo("function_not_found");
    }
  }

  @Test
  void aPendingCallFailsWithWorkerDisconnectedWhenItsWorkerDrops() throws Exception {
    start(b -> {});
    JdkClient c = worker();
    register(c, "slow::fn");
    CompletableFuture<JsonNode> call =
        CompletableFuture.supplyAsync(() -> engine.invoke("slow::fn", JdkClient.MAPPER.nullNode()));
    JsonNode invoke = next(c, "invokefunction");
    assertThat(invoke.get("function_id").asText()).isEqualTo("slow::fn");
    assertThat(invoke.get("invocation_id").asText()).isNotBlank();
    c.ws.abort();
    assertThat(failure(call).code()).isEqualTo("worker_disconnected");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> engine.functions().find("slow::fn").isEmpty());
  }

  @Test
  void aCallTimesOutWhenTheWorkerDoesNotAnswerAndALateAnswerIsDropped() throws Exception {
    start(b -> b.iiiCallTimeout(Duration.ofMillis(200)));
    try (JdkClient c = worker()) {
      register(c, "mute::fn");
      assertThatThrownBy(() -> engine.invoke("mute::fn", JdkClient.MAPPER.nullNode()))
          .isInstanceOfSatisfying(
              StreamException.class, e -> assertThat(e.code()).isEqualTo("timeout"));
      String id = next(c, "invokefunction").get("invocation_id").asText();
      c.send("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"result\":1}");
      c.send("{\"type\":\"ping\"}");
      next(c, "pong");
      assertThat(server.iii().timeouts.get()).isEqualTo(1);
      assertThat(server.iii().ignored.get()).isEqualTo(1);
    }
  }

  @Test
  void callsWaitingForOneWorkerAreBounded() throws Exception {
    start(b -> b.iiiMaxInFlight(1));
    try (JdkClient c = worker()) {
      register(c, "one::fn");
      CompletableFuture<JsonNode> first =
          CompletableFuture.supplyAsync(
              () -> engine.invoke("one::fn", JdkClient.MAPPER.nullNode()));
      String id = next(c, "invokefunction").get("invocation_id").asText();
      assertThatThrownBy(() -> engine.invoke("one::fn", JdkClient.MAPPER.nullNode()))
          .isInstanceOfSatisfying(
              StreamException.class, e -> assertThat(e.code()).isEqualTo("overloaded"));
      c.send(
          "{\"type\":\"invocationresult\",\"invocation_id\":\""
              + id
              + "\",\"function_id\":\"one::fn\",\"result\":{\"ok\":true}}");
      assertThat(first.get(10, TimeUnit.SECONDS).get("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void aWorkersOwnCallsInFlightAreBoundedAndAnotherWorkersAnswerReachesIt() throws Exception {
    start(b -> b.iiiMaxInFlight(1));
    try (JdkClient callee = worker();
        JdkClient caller = worker()) {
      register(callee, "mute::fn");
      caller.send(
          "{\"type\":\"invokefunction\",\"invocation_id\":\"i1\",\"function_id\":\"mute::fn\","
              + "\"data\":{\"x\":1}}");
      JsonNode invoke = next(callee, "invokefunction");
      assertThat(invoke.get("data").get("x").asInt()).isEqualTo(1);
      caller.send(
          "{\"type\":\"invokefunction\",\"invocation_id\":\"i2\",\"function_id\":\"mute::fn\","
              + "\"data\":{}}");
      JsonNode refused = next(caller, "invocationresult");
      assertThat(refused.get("invocation_id").asText()).isEqualTo("i2");
      assertThat(refused.get("error").get("code").asText()).isEqualTo("overloaded");
      callee.send(
          "{\"type\":\"invocationresult\",\"invocation_id\":\""
              + invoke.get("invocation_id").asText()
              + "\",\"result\":{\"y\":2}}");
      JsonNode answer = next(caller, "invocationresult");
      assertThat(answer.get("invocation_id").asText()).isEqualTo("i1");
      assertThat(answer.get("result").get("y").asInt()).isEqualTo(2);
    }
  }

  @Test
  void aWorkerThatNeverAnswersDelaysNoOtherCall() throws Exception {
    start(b -> b.workerThreads(1)); // one pool thread: nothing may sit on it waiting for "mute"
    try (JdkClient mute = worker();
        JdkClient other = worker()) {
      register(mute, "mute::fn");
      register(other, "echo::fn");
      for (int i = 0; i < 5; i++) {
        other.send(
            "{\"type\":\"invokefunction\",\"invocation_id\":\"m"
                + i
                + "\",\"function_id\":\"mute::fn\",\"data\":{}}");
      }
      CompletableFuture<JsonNode> fromJava =
          CompletableFuture.supplyAsync(
              () -> engine.invoke("mute::fn", JdkClient.MAPPER.nullNode()));
      other.send(
          "{\"type\":\"invokefunction\",\"invocation_id\":\"s\",\"function_id\":\"stream::set\","
              + "\"data\":{\"stream_name\":\"a\",\"group_id\":\"b\",\"item_id\":\"c\",\"data\":1}}");
      other.send(
          "{\"type\":\"invokefunction\",\"invocation_id\":\"g\",\"function_id\":\"stream::get\","
              + "\"data\":{\"stream_name\":\"a\",\"group_id\":\"b\",\"item_id\":\"c\"}}");
      JsonNode set = next(other, "invocationresult");
      assertThat(set.get("invocation_id").asText()).isEqualTo("s");
      JsonNode get = next(other, "invocationresult");
      assertThat(get.get("invocation_id").asText()).isEqualTo("g");
      assertThat(get.get("result").asInt()).isEqualTo(1);
      assertThat(fromJava).isNotDone();
      mute.ws.abort(); // every waiting call ends at once
      assertThat(failure(fromJava).code()).isEqualTo("worker_disconnected");
      for (int i = 0; i < 5; i++) {
        JsonNode failed = next(other, "invocationresult");
        assertThat(failed.get("error").get("code").asText()).isEqualTo("worker_disconnected");
      }
    }
  }

  @Test
  void reattachRetiresTheLiveOldConnectionAndTheSuccessorOwnsTheReplayedFunction()
      throws Exception {
    start(b -> {});
    JdkClient old = new JdkClient(server.port(), "/iii");
    JsonNode hello = next(old, "workerregistered");
    register(old, "f::x");
    try (JdkClient stranger = worker()) {
      stranger.send(
          "{\"type\":\"reattach\",\"previous_worker_id\":\""
              + hello.get("worker_id").asText()
              + "\",\"reattach_token\":\"wrong\"}");
      stranger.send("{\"type\":\"ping\"}");
      next(stranger, "pong");
      assertThat(old.closed).as("a wrong token evicts nobody").isNotDone();
    }
    try (JdkClient successor = worker()) {
      successor.send(
          "{\"type\":\"reattach\",\"previous_worker_id\":\""
              + hello.get("worker_id").asText()
              + "\",\"reattach_token\":\""
              + hello.get("reattach_token").asText()
              + "\"}");
      successor.send("{\"type\":\"registerfunction\",\"id\":\"f::x\"}");
      assertThat(old.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  engine.functions().find("f::x").orElse(null)
                          instanceof WorkerSession.WorkerFunction f
                      && server.iii().sessions.containsValue(f.owner));
      CompletableFuture<JsonNode> call =
          CompletableFuture.supplyAsync(() -> engine.invoke("f::x", JdkClient.MAPPER.nullNode()));
      String id = next(successor, "invokefunction").get("invocation_id").asText();
      successor.send(
          "{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"result\":\"new\"}");
      assertThat(call.get(10, TimeUnit.SECONDS).asText()).isEqualTo("new");
    }
  }

  @Test
  void triggerRegistrationsAreAnsweredAndBadOnesRefused() throws Exception {
    start(b -> {});
    try (JdkClient c = worker()) {
      c.send(
          "{\"type\":\"registertrigger\",\"id\":\"t1\",\"trigger_type\":\"stream\","
              + "\"function_id\":\"f\",\"config\":{\"stream_name\":\"s\"},\"message_type\":\"x\"}");
      JsonNode ok = next(c, "triggerregistrationresult");
      assertThat(ok.get("id").asText()).isEqualTo("t1");
      assertThat(ok.get("trigger_type").asText()).isEqualTo("stream");
      assertThat(ok.has("error")).isFalse();
      assertThat(engine.triggers().find("t1")).isPresent();
      c.send(
          "{\"type\":\"registertrigger\",\"id\":\"t2\",\"trigger_type\":\"stream\","
              + "\"function_id\":\"f\",\"config\":{}}");
      assertThat(next(c, "triggerregistrationresult").get("error").get("code").asText())
          .isEqualTo("invalid_argument");
      c.send(
          "{\"type\":\"registertrigger\",\"id\":\"t3\",\"trigger_type\":\"cron\","
              + "\"function_id\":\"f\",\"config\":{}}");
      assertThat(next(c, "triggerregistrationresult").get("error").get("code").asText())
          .isEqualTo("trigger_type_not_found");
      c.send("{\"type\":\"unregistertrigger\",\"id\":\"t1\",\"trigger_type\":\"stream\"}");
      await().atMost(Duration.ofSeconds(5)).until(() -> engine.triggers().find("t1").isEmpty());
    }
  }

  @Test
  void theEndpointIsOffByDefaultAndTakesTheAuthTokenAndOriginPolicyWhenOn() throws Exception {
    // a refused RawClient leaves its socket open: a short close timeout keeps close() quick
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .closeTimeout(Duration.ofMillis(300))
            .build()
            .start();
    assertThatThrownBy(() -> RawClient.connect(server.port(), "/iii"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("404");
    server.close();
    start(b -> b.authToken("s3cret").closeTimeout(Duration.ofMillis(300)));
    assertThatThrownBy(() -> RawClient.connect(server.port(), "/iii"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("401");
    RawClient.connect(server.port(), "/iii?token=s3cret").close();
    RawClient.connect(server.port(), "/iii/otel?token=s3cret").close();
    try (RawClient browser = new RawClient(server.port())) {
      browser.sendRaw(
          StreamProtocolTest.upgrade("/iii?token=s3cret", "Origin: http://evil.example\r\n"));
      assertThat(browser.readHead()).startsWith("HTTP/1.1 403");
    }
  }

  @Test
  void anAuthFunctionAWorkerServesGatesStreamUpgradesAndFailsClosedUntilRegistered()
      throws Exception {
    start(b -> b.authFunction("auth::ws").closeTimeout(Duration.ofMillis(300)));
    try (RawClient early = new RawClient(server.port())) {
      early.sendRaw(StreamProtocolTest.upgrade("/", ""));
      assertThat(early.readHead()).startsWith("HTTP/1.1 503");
    }
    try (JdkClient auth = worker()) { // /iii itself is not gated by the auth function
      register(auth, "auth::ws");
      CompletableFuture<JdkClient> client =
          CompletableFuture.supplyAsync(() -> new JdkClient(server.port(), "/?user=al"));
      JsonNode invoke = next(auth, "invokefunction");
      assertThat(invoke.get("data").get("query_params").get("user").get(0).asText())
          .isEqualTo("al");
      auth.send(
          "{\"type\":\"invocationresult\",\"invocation_id\":\""
              + invoke.get("invocation_id").asText()
              + "\",\"result\":{\"context\":{\"user\":\"al\"}}}");
      try (JdkClient subscriber = client.get(10, TimeUnit.SECONDS)) {
        subscriber.join("s", "a", "b", null);
        assertThat(subscriber.next().path("event").path("type").asText()).isEqualTo("sync");
      }
    }
  }

  @Test
  void theTelemetrySocketSwallowsBinaryFramesQuietly() throws Exception {
    start(b -> {});
    try (JdkClient otel = new JdkClient(server.port(), "/iii/otel")) {
      otel.sendBinary("OTLP{\"resourceSpans\":[]}");
      otel.send("{\"type\":\"ping\"}");
      assertThat(otel.poll(200)).isNull();
      assertThat(server.iii().workers()).isZero();
    }
  }
}
