package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /invoke/{functionId}} status codes (SPEC §5.8). */
class HttpInvokeTest {
  StreamEngine engine;
  StreamWebSocketServer server;

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
    engine
        .functions()
        .register(
            "broken",
            in -> {
              throw new StreamException("STREAM_SET_ERROR", "disk on fire");
            });
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .httpInvoke(true)
            .authToken("tok")
            .maxMessageSize(4096)
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  private HttpResponse<String> post(String path, String body, boolean withToken) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (withToken) {
      request.header("Authorization", "Bearer tok");
    }
    return JdkClient.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFailedVersionConditionIs409AndARepeatedKeyTheFirstResult() throws Exception {
    String item = "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"o-1\",";
    HttpResponse<String> created =
        post("/invoke/stream::set", item + "\"data\":1,\"if_version\":0}", true);
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.body()).contains("\"version\":1");
    HttpResponse<String> conflict =
        post("/invoke/stream::set", item + "\"data\":2,\"if_version\":0}", true);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.body())
        .isEqualTo(
            "{\"code\":\"precondition_failed\",\"message\":\"item o-1 already exists, at version 1\"}");
    String keyed = item + "\"data\":3,\"idempotency_key\":\"r1\"}";
    String first = post("/invoke/stream::set", keyed, true).body();
    assertThat(post("/invoke/stream::set", keyed, true).body()).isEqualTo(first);
    assertThat(engine.snapshot("s", "g", null).seq()).isEqualTo(2);
  }

  @Test
  void setThenGetReturns200WithResultAndNullForNoResult() throws Exception {
    String input =
        "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i\",\"data\":{\"a\":1}}";
    HttpResponse<String> set = post("/invoke/stream::set", input, true);
    assertThat(set.statusCode()).isEqualTo(200);
    HttpResponse<String> get =
        post(
            "/invoke/stream::get",
            "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i\"}",
            true);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(StreamProtocolTest.json(get.body())).isEqualTo(StreamProtocolTest.json("{\"a\":1}"));
    HttpResponse<String> missing =
        post(
            "/invoke/stream::get",
            "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"x\"}",
            true);
    assertThat(missing.statusCode()).isEqualTo(200);
    assertThat(missing.body()).isEqualTo("null");
  }

  @Test
  void errorsMapToStatusCodesWithCodeAndMessage() throws Exception {
    assertThat(post("/invoke/stream::get", "{not json", true).statusCode()).isEqualTo(400);
    HttpResponse<String> deser = post("/invoke/stream::get", "{\"stream_name\":\"s\"}", true);
    assertThat(deser.statusCode()).isEqualTo(400);
    assertThat(StreamProtocolTest.json(deser.body()).path("code").asText())
        .isEqualTo("deserialization_error");
    HttpResponse<String> invalid =
        post(
            "/invoke/stream::get",
            "{\"stream_name\":\"\",\"group_id\":\"g\",\"item_id\":\"i\"}",
            true);
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(StreamProtocolTest.json(invalid.body()).path("code").asText())
        .isEqualTo("invalid_argument");
    HttpResponse<String> unknown = post("/invoke/nope", "{}", true);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(StreamProtocolTest.json(unknown.body()).path("code").asText())
        .isEqualTo("function_not_found");
    HttpResponse<String> storage = post("/invoke/broken", "{}", true);
    assertThat(storage.statusCode()).isEqualTo(500);
    assertThat(StreamProtocolTest.json(storage.body()).path("message").asText())
        .contains("disk on fire");
    assertThat(post("/invoke/stream::list_all", "{}", false).statusCode()).isEqualTo(401);
    HttpResponse<String> tooBig = post("/invoke/stream::list_all", "x".repeat(5000), true);
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(StreamProtocolTest.json(tooBig.body()).has("code")).isTrue();
  }

  @Test
  void aFunctionThatTimedOutOrIsUnavailableAnswers504Or503() throws Exception {
    for (String code : new String[] {"timeout", "overloaded", "worker_disconnected"}) {
      engine
          .functions()
          .register(
              "fails::" + code,
              in -> {
                throw new StreamException(code, "the worker said " + code);
              });
      HttpResponse<String> r = post("/invoke/fails::" + code, "{}", true);
      assertThat(r.statusCode()).as(code).isEqualTo(code.equals("timeout") ? 504 : 503);
      assertThat(StreamProtocolTest.json(r.body()).path("code").asText()).isEqualTo(code);
    }
  }

  @Test
  void invokeIsOffUnlessEnabled() throws Exception {
    try (StreamWebSocketServer off =
        StreamWebSocketServer.builder(engine).port(0).build().start()) {
      HttpResponse<String> r =
          JdkClient.HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + off.port() + "/invoke/stream::list_all"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(404);
    }
  }
}
