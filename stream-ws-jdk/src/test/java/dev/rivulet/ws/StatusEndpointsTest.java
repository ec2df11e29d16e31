package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.redis.testing.RedisExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /health} and {@code GET /stats} (SPEC §10), with a real Redis for the failing case.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusEndpointsTest {
  @RegisterExtension final RedisExtension redis = RedisExtension.perTest();
  private StreamWebSocketServer server;

  @AfterEach
  void stop() {
    redis.server().signal("CONT");
    if (server != null) {
      server.close();
    }
  }

  private StreamWebSocketServer serve(StreamEngine engine, boolean status, String token) {
    StreamWebSocketServer.Builder b =
        StreamWebSocketServer.builder(engine).port(0).statusEndpoints(status);
    if (token != null) {
      b.authToken(token);
    }
    server = b.build().start();
    return server;
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return JdkClient.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JdkClient.MAPPER.readTree(response.body());
  }

  @Test
  void statsShowTheServerAndItsEngine() throws Exception {
    StreamEngine engine = redis.closeAfterTest(StreamEngine.builder().build());
    serve(engine, true, null);
    engine.stream("s").group("g").item("a").set(1);
    try (JdkClient client = new JdkClient(server.port(), "/")) {
      client.join("sub", "s", "g", null);
      assertThat(client.next().path("event").path("type").asText()).isEqualTo("sync");
      engine.stream("s").group("g").item("a").set(2);
      assertThat(client.next().path("event").path("type").asText()).isEqualTo("update");

      HttpResponse<String> stats = get("/stats", null);
      assertThat(stats.statusCode()).isEqualTo(200);
      assertThat(stats.headers().firstValue("content-type")).hasValue("application/json");
      JsonNode body = json(stats);
      assertThat(body.path("connections").asLong()).isEqualTo(2); // the client and this request
      assertThat(body.path("slowConsumerCloses").asLong()).isZero();
      assertThat(body.path("queuedBytes").asLong()).isGreaterThanOrEqualTo(0);
      assertThat(body.path("engine").path("writes").asLong()).isEqualTo(2);
      assertThat(body.path("engine").path("subscribers").asLong()).isEqualTo(1);
      assertThat(body.path("engine").path("deliveries").asLong()).isEqualTo(1);
      assertThat(server.stats().engine().writes()).isEqualTo(2);
    }
  }

  @Test
  void healthIsOkAndBothNeedTheTokenWhenOneIsSet() throws Exception {
    StreamEngine engine = redis.closeAfterTest(StreamEngine.builder().build());
    serve(engine, true, "t0k");
    assertThat(get("/health", null).statusCode()).isEqualTo(401);
    assertThat(get("/stats", null).statusCode()).isEqualTo(401);
    HttpResponse<String> health = get("/health", "t0k");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(engine.stream(StatusEndpoints.PROBE_STREAM).groups()).isEmpty();
  }

  @Test
  void theEndpointsAreOffUnlessEnabled() throws Exception {
    serve(redis.closeAfterTest(StreamEngine.builder().build()), false, null);
    assertThat(get("/health", null).statusCode()).isEqualTo(404);
    assertThat(get("/stats", null).statusCode()).isEqualTo(404);
  }

  @Test
  void healthIs503WhileRedisIsPausedAndOkAgainAfter() throws Exception {
    StreamEngine engine = redis.engine(b -> b.timeout(Duration.ofMillis(500)));
    serve(engine, true, null);
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    redis.server().signal("STOP");
    HttpResponse<String> failing = get("/health", null);
    assertThat(failing.statusCode()).isEqualTo(503);
    assertThat(json(failing).path("status").asText()).isEqualTo("failing");
    assertThat(json(failing).path("error").path("code").asText()).startsWith("STREAM_");
    redis.server().signal("CONT");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/health", null).statusCode() == 200);
  }
}
