package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §9: {@code POST /invoke} takes {@code application/json} only (415 else) and exactly one JSON
 * value (trailing content → 400 {@code invalid_json}); refused bodies apply nothing (obs 9, 10).
 */
class InvokeBodyTest {
  static final String SET =
      "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i\",\"data\":1}";

  final StreamEngine engine = StreamEngine.builder().build();
  StreamWebSocketServer server;

  @BeforeEach
  void start() {
    server = StreamWebSocketServer.builder(engine).port(0).httpInvoke(true).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  /** A {@code POST /invoke/stream::set} with the given Content-Type line (null: none). */
  private String post(String contentType, String body) throws IOException {
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(
          "POST /invoke/stream::set HTTP/1.1\r\nHost: x\r\n"
              + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
              + "Content-Length: "
              + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
              + "\r\n\r\n"
              + body);
      return raw.readResponse();
    }
  }

  private static String code(String response) throws IOException {
    JsonNode body = JdkClient.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    return body.path("code").asText();
  }

  private boolean written() {
    return engine.get("s", "g", "i") != null;
  }

  @Test
  void aTextPlainBodyIs415AndNothingIsWritten() throws Exception {
    // what a cross-origin no-cors fetch can send without a preflight
    String response = post("text/plain;charset=UTF-8", SET);
    assertThat(response).startsWith("HTTP/1.1 415");
    assertThat(code(response)).isEqualTo("unsupported_media_type");
    assertThat(post(null, SET)).startsWith("HTTP/1.1 415");
    assertThat(post("application/x-www-form-urlencoded", SET)).startsWith("HTTP/1.1 415");
    assertThat(post("multipart/form-data; boundary=x", SET)).startsWith("HTTP/1.1 415");
    assertThat(post("application/jsonp", SET)).startsWith("HTTP/1.1 415");
    assertThat(written()).isFalse();
    assertThat(server.pendingRequestBytes()).isZero();
  }

  @Test
  void applicationJsonInAnyCaseAndWithParametersIsAccepted() throws Exception {
    assertThat(post("application/json", SET)).startsWith("HTTP/1.1 200");
    assertThat(post("Application/JSON; charset=utf-8", SET)).startsWith("HTTP/1.1 200");
    assertThat(post(" application/json ;charset=UTF-8", SET)).startsWith("HTTP/1.1 200");
    assertThat(written()).isTrue();
  }

  @Test
  void trailingGarbageAfterTheJsonBodyIs400AndNothingIsApplied() throws Exception {
    for (String body : new String[] {SET + "x", SET + " {}", SET + "}", SET + "\n[1]", "1 2"}) {
      String response = post("application/json", body);
      assertThat(response).as(body).startsWith("HTTP/1.1 400");
      assertThat(code(response)).as(body).isEqualTo("invalid_json");
    }
    assertThat(written()).isFalse();
    assertThat(post("application/json", SET + " \r\n\t")).startsWith("HTTP/1.1 200");
    assertThat(written()).isTrue();
  }
}
