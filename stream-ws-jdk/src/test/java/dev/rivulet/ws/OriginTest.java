package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import java.io.IOException;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §9 "Browser origins" (obs 9): WebSocket upgrades and HTTP invokes whose {@code Origin} is
 * neither the server's own nor allowed are refused with 403; allowed cross origins get CORS.
 */
class OriginTest {
  static final String SET =
      "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i\",\"data\":1}";

  final StreamEngine engine = StreamEngine.builder().build();
  StreamWebSocketServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    engine.close();
  }

  private void start(String... allowed) {
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .httpInvoke(true)
            .allowedOrigins(allowed)
            .build()
            .start();
  }

  private String host() {
    return "127.0.0.1:" + server.port();
  }

  private String exchange(String request) throws IOException {
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(request);
      return raw.readResponse();
    }
  }

  /** The response head of a WebSocket upgrade of {@code /} with {@code origin} (null: none). */
  private String upgrade(String origin) throws IOException {
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(
          "GET / HTTP/1.1\r\nHost: "
              + host()
              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
              + Base64.getEncoder().encodeToString(new byte[16])
              + "\r\nSec-WebSocket-Version: 13\r\n"
              + (origin == null ? "" : "Origin: " + origin + "\r\n")
              + "\r\n");
      return raw.readResponse();
    }
  }

  /** A {@code POST /invoke/stream::set} of {@link #SET}, JSON typed, from {@code origin}. */
  private String invoke(String origin) throws IOException {
    return exchange(
        "POST /invoke/stream::set HTTP/1.1\r\nHost: "
            + host()
            + "\r\nContent-Type: application/json\r\n"
            + (origin == null ? "" : "Origin: " + origin + "\r\n")
            + "Content-Length: "
            + SET.length()
            + "\r\n\r\n"
            + SET);
  }

  private String preflight(String origin) throws IOException {
    return exchange(
        "OPTIONS /invoke/stream::set HTTP/1.1\r\nHost: "
            + host()
            + "\r\nOrigin: "
            + origin
            + "\r\nAccess-Control-Request-Method: POST\r\n"
            + "Access-Control-Request-Headers: content-type\r\n\r\n");
  }

  private boolean written() {
    return engine.get("s", "g", "i") != null;
  }

  private static JsonNode body(String response) throws IOException {
    return JdkClient.MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void upgradeFromAForeignOriginIsRefused403() throws Exception {
    start();
    String response = upgrade("http://evil.example");
    assertThat(response).startsWith("HTTP/1.1 403");
    assertThat(body(response).path("code").asText()).isEqualTo("forbidden_origin");
    assertThat(upgrade("null")).startsWith("HTTP/1.1 403");
    assertThat(upgrade("http://127.0.0.1:1")).startsWith("HTTP/1.1 403"); // other port
  }

  @Test
  void upgradeFromTheOwnOriginOrWithoutOriginIsServed() throws Exception {
    start();
    assertThat(upgrade("http://" + host())).startsWith("HTTP/1.1 101");
    assertThat(upgrade("https://" + host())).startsWith("HTTP/1.1 101"); // behind a TLS proxy
    assertThat(upgrade("HTTP://" + host().toUpperCase())).startsWith("HTTP/1.1 101");
    assertThat(upgrade(null)).startsWith("HTTP/1.1 101");
  }

  @Test
  void upgradeFromAnAllowedOriginIsServed() throws Exception {
    start("http://app.example:8080");
    assertThat(upgrade("http://app.example:8080")).startsWith("HTTP/1.1 101");
    assertThat(upgrade("http://app.example:8081")).startsWith("HTTP/1.1 403");
  }

  @Test
  void starAllowsAnyOriginIncludingNull() throws Exception {
    start("*");
    assertThat(upgrade("http://evil.example")).startsWith("HTTP/1.1 101");
    assertThat(upgrade("null")).startsWith("HTTP/1.1 101");
    assertThat(invoke("http://evil.example")).startsWith("HTTP/1.1 200");
  }

  @Test
  void invokeFromAForeignOriginIsRefused403AndNothingIsWritten() throws Exception {
    start("http://app.example");
    String response = invoke("http://evil.example");
    assertThat(response).startsWith("HTTP/1.1 403");
    assertThat(body(response).path("code").asText()).isEqualTo("forbidden_origin");
    assertThat(response).doesNotContain("Access-Control-Allow-Origin");
    assertThat(invoke("null")).startsWith("HTTP/1.1 403");
    assertThat(written()).isFalse();
  }

  @Test
  void invokeFromTheOwnOriginOrWithoutOriginIsServedWithoutCors() throws Exception {
    start();
    String own = invoke("http://" + host());
    assertThat(own).startsWith("HTTP/1.1 200").doesNotContain("Access-Control-Allow-Origin");
    assertThat(invoke(null)).startsWith("HTTP/1.1 200");
    assertThat(written()).isTrue();
  }

  @Test
  void invokeFromAnAllowedOriginGetsCorsHeaders() throws Exception {
    start("http://app.example");
    String response = invoke("http://app.example");
    assertThat(response)
        .startsWith("HTTP/1.1 200")
        .contains("Access-Control-Allow-Origin: http://app.example\r\n")
        .contains("Vary: Origin\r\n")
        .contains("Access-Control-Allow-Headers: Content-Type, Authorization\r\n");
    assertThat(written()).isTrue();
    // errors are readable by the allowed page too
    String notFound =
        exchange(
            "POST /invoke/nope HTTP/1.1\r\nHost: x\r\nOrigin: http://app.example\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    assertThat(notFound)
        .startsWith("HTTP/1.1 404")
        .contains("Access-Control-Allow-Origin: http://app.example\r\n");
  }

  @Test
  void preflightOfAnAllowedOriginIs204AndOfAForeignOne403() throws Exception {
    start("http://app.example");
    String ok = preflight("http://app.example");
    assertThat(ok)
        .startsWith("HTTP/1.1 204")
        .contains("Access-Control-Allow-Origin: http://app.example\r\n")
        .contains("Access-Control-Allow-Methods: POST, OPTIONS\r\n")
        .contains("Access-Control-Allow-Headers: Content-Type, Authorization\r\n")
        .contains("Access-Control-Max-Age: ")
        .doesNotContain("Content-Length");
    assertThat(preflight("http://evil.example")).startsWith("HTTP/1.1 403");
    assertThat(preflight("null")).startsWith("HTTP/1.1 403");
  }

  @Test
  void theTokenIsStillRequiredFromAnAllowedOrigin() throws Exception {
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .httpInvoke(true)
            .authToken("tok")
            .allowedOrigins("http://app.example")
            .build()
            .start();
    String response = invoke("http://app.example");
    assertThat(response)
        .startsWith("HTTP/1.1 401")
        .contains("Access-Control-Allow-Origin: http://app.example\r\n");
    assertThat(written()).isFalse();
  }

  @Test
  void malformedAllowedOriginsAreRefusedByTheBuilder() {
    StreamWebSocketServer.Builder builder = StreamWebSocketServer.builder(engine);
    assertThatThrownBy(() -> builder.allowedOrigins("app.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("app.example");
    assertThatThrownBy(() -> builder.allowedOrigins("http://app.example/path"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.allowedOrigins(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.allowedOrigins((String[]) null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
