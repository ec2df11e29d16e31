package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.redis.testing.RedisExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calls and joins while the server is saturated or its store hangs (SPEC §9 "Outages"): every
 * invoke is answered (503 at once when the worker queue is full, 504 past the call bound, with the
 * outcome), and a join whose snapshot cannot be read is retried until the store is back, or the
 * connection is closed with 1011.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutageTest {
  @RegisterExtension final RedisExtension redis = RedisExtension.perTest();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private StreamEngine engine;
  private StreamWebSocketServer server;

  @AfterEach
  void stop() {
    release.countDown();
    redis.server().signal("CONT");
    if (server != null) {
      server.close();
    }
  }

  private void blockingServer(UnaryOperator<StreamWebSocketServer.Builder> settings) {
    engine = redis.closeAfterTest(StreamEngine.builder().build());
    engine
        .functions()
        .register(
            "block",
            in -> {
              entered.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return IntNode.valueOf(1);
            });
    server =
        settings
            .apply(StreamWebSocketServer.builder(engine).port(0).httpInvoke(true))
            .build()
            .start();
  }

  private CompletableFuture<HttpResponse<String>> invoke(String function, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/invoke/" + function))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return JdkClient.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFullWorkerQueueAnswers503AtOnceAndRunsNothing() throws Exception {
    blockingServer(b -> b.workerThreads(1).workerQueue(1));
    var first = invoke("block", "{}"); // runs and blocks the only worker
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    var second = invoke("block", "{}");
    var third = invoke("block", "{}");
    // one of the two later calls waits in the queue, the other is refused without waiting
    await().atMost(Duration.ofSeconds(10)).until(() -> second.isDone() || third.isDone());
    HttpResponse<String> refused = second.isDone() ? second.get() : third.get();
    assertThat(refused.statusCode()).isEqualTo(503);
    JsonNode body = JdkClient.MAPPER.readTree(refused.body());
    assertThat(body.path("code").asText()).isEqualTo("overloaded");
    assertThat(body.path("outcome").asText()).isEqualTo("not_applied");
    assertThat(first.isDone()).isFalse();
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    HttpResponse<String> queued =
        second.isDone() && second.get() == refused ? third.get() : second.get();
    assertThat(queued.statusCode()).isEqualTo(200);
  }

  @Test
  void anAllowedCrossOriginPageGetsCorsHeadersOnA504AndA503Too() throws Exception {
    blockingServer(
        b ->
            b.callTimeout(Duration.ofMillis(300))
                .workerThreads(1)
                .workerQueue(1)
                .allowedOrigins("http://app.example"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/invoke/block"))
            .header("Content-Type", "application/json")
            .header("Origin", "http://app.example")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    var first = JdkClient.HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    var second = JdkClient.HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    var third = JdkClient.HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> timedOut = first.get(10, TimeUnit.SECONDS);
    assertThat(timedOut.statusCode()).isEqualTo(504);
    assertThat(timedOut.headers().firstValue("access-control-allow-origin"))
        .hasValue("http://app.example");
    await().atMost(Duration.ofSeconds(10)).until(() -> second.isDone() && third.isDone());
    HttpResponse<String> refused = second.get().statusCode() == 503 ? second.get() : third.get();
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("access-control-allow-origin"))
        .hasValue("http://app.example");
    release.countDown();
  }

  @Test
  void aCallPastItsBoundIsAnswered504WithOutcomeUnknown() throws Exception {
    blockingServer(b -> b.callTimeout(Duration.ofMillis(300)));
    long start = System.nanoTime();
    HttpResponse<String> response = invoke("block", "{}").get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(response.statusCode()).isEqualTo(504);
    JsonNode body = JdkClient.MAPPER.readTree(response.body());
    assertThat(body.path("code").asText()).isEqualTo("timeout");
    assertThat(body.path("outcome").asText()).isEqualTo("unknown");
    assertThat(body.path("message").asText()).contains("outcome unknown");
  }

  private StreamEngine redisEngine() {
    return redis.engine(b -> b.timeout(Duration.ofMillis(200)));
  }

  @Test
  void invokesDuringAHungRedisAreAllAnsweredWithTheirOutcome() throws Exception {
    engine = redisEngine();
    server = StreamWebSocketServer.builder(engine).port(0).httpInvoke(true).build().start();
    redis.server().signal("STOP");
    List<CompletableFuture<HttpResponse<String>>> calls =
        java.util.stream.IntStream.range(0, 22)
            .mapToObj(
                i ->
                    invoke(
                        "stream::set",
                        "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i"
                            + i
                            + "\",\"data\":1}"))
            .toList();
    for (var call : calls) {
      HttpResponse<String> r = call.get(15, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(500);
      JsonNode body = JdkClient.MAPPER.readTree(r.body());
      assertThat(body.path("code").asText()).isEqualTo("STREAM_SET_ERROR");
      assertThat(body.path("outcome").asText()).isIn("unknown", "not_applied");
    }
  }

  @Test
  void aJoinDuringAHungRedisGetsItsSyncOnceRedisIsBack() throws Exception {
    engine = redisEngine();
    engine.set("s", "g", "a", IntNode.valueOf(7));
    server = StreamWebSocketServer.builder(engine).port(0).build().start();
    try (RawClient client = RawClient.connect(server.port(), "/")) {
      redis.server().signal("STOP");
      client.sendText(JdkClient.message("join", "sub", "s", "g", null));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.protocol().joinRetries.get() > 0);
      redis.server().signal("CONT");
      JsonNode sync = JdkClient.MAPPER.readTree(client.readUntil(0x1).text());
      assertThat(sync.path("event").path("type").asText()).isEqualTo("sync");
      assertThat(sync.path("event").path("data").toString()).isEqualTo("[7]");
      engine.set("s", "g", "b", IntNode.valueOf(8)); // and it is live
      JsonNode create = JdkClient.MAPPER.readTree(client.readUntil(0x1).text());
      assertThat(create.path("event").path("type").asText()).isEqualTo("create");
    }
  }

  @Test
  void aJoinThatCannotBeServedInTimeClosesTheConnectionWith1011() throws Exception {
    engine = redisEngine();
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .joinRetryTimeout(Duration.ofMillis(800))
            .build()
            .start();
    try (RawClient client = RawClient.connect(server.port(), "/")) {
      redis.server().signal("STOP");
      client.sendText(JdkClient.message("join", "sub", "s", "g", null));
      assertThat(client.readCloseCode()).isEqualTo(1011);
    } finally {
      redis.server().signal("CONT");
    }
  }
}
