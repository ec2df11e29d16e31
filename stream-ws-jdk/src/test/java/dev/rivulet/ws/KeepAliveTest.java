package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rivulet.StreamEngine;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 persistent connections on the server (issue 11 §4), every hardening rule kept. */
class KeepAliveTest {
  private final StreamEngine engine = StreamEngine.builder().build();
  private StreamWebSocketServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    engine.close();
  }

  private int serve(java.util.function.UnaryOperator<StreamWebSocketServer.Builder> settings) {
    server = settings.apply(StreamWebSocketServer.builder(engine).port(0).httpInvoke(true)).build();
    server.start();
    return server.port();
  }

  private static String set(String item, int value, String extraHeaders) {
    String body =
        "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\""
            + item
            + "\",\"data\":"
            + value
            + "}";
    return "POST /invoke/stream::set HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + extraHeaders
        + "Content-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  private static void assertClosedByServer(RawClient c) throws Exception {
    assertThat(c.in.read()).as("the server closed the connection").isEqualTo(-1);
  }

  @Test
  void severalRequestsShareOneConnection() throws Exception {
    int port = serve(b -> b);
    try (RawClient c = new RawClient(port)) {
      for (int i = 1; i <= 3; i++) {
        c.sendRaw(set("i" + i, i, ""));
        String response = c.readResponse();
        assertThat(response).startsWith("HTTP/1.1 200").contains("Connection: keep-alive");
      }
    }
    assertThat(engine.list("s", "g")).hasSize(3);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    int port = serve(b -> b);
    String getBody = "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"a\"}";
    String get =
        "POST /invoke/stream::get HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + getBody.length()
            + "\r\n\r\n"
            + getBody;
    try (RawClient c = new RawClient(port)) {
      c.sendRaw(set("a", 1, "") + get + set("a", 2, "") + get);
      assertThat(c.readResponse())
          .startsWith("HTTP/1.1 200")
          .endsWith("\"new_value\":1,\"version\":1}");
      assertThat(c.readResponse()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n1");
      assertThat(c.readResponse())
          .startsWith("HTTP/1.1 200")
          .endsWith("\"new_value\":2,\"version\":2}");
      assertThat(c.readResponse()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n2");
    }
  }

  @Test
  void connectionCloseIsHonouredBothWays() throws Exception {
    int port = serve(b -> b.maxRequestsPerConnection(2));
    try (RawClient c = new RawClient(port)) { // the client asks
      c.sendRaw(set("a", 1, "Connection: close\r\n"));
      assertThat(c.readResponse()).startsWith("HTTP/1.1 200").contains("Connection: close");
      assertClosedByServer(c);
    }
    try (RawClient c = new RawClient(port)) { // HTTP/1.0 without keep-alive
      c.sendRaw(set("a", 1, "").replaceFirst("HTTP/1.1", "HTTP/1.0"));
      assertThat(c.readResponse()).contains("Connection: close");
      assertClosedByServer(c);
    }
    try (RawClient c = new RawClient(port)) { // the server's request bound
      c.sendRaw(set("a", 1, ""));
      assertThat(c.readResponse()).contains("Connection: keep-alive");
      c.sendRaw(set("a", 2, ""));
      assertThat(c.readResponse()).contains("Connection: close");
      assertClosedByServer(c);
    }
  }

  @Test
  void anAnsweredErrorKeepsTheConnectionAMalformedRequestEndsIt() throws Exception {
    int port = serve(b -> b);
    try (RawClient c = new RawClient(port)) {
      c.sendRaw(
          "POST /invoke/nope HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 2\r\n\r\n{}");
      assertThat(c.readResponse()).startsWith("HTTP/1.1 404").contains("Connection: keep-alive");
      c.sendRaw("POST /invoke/stream::set HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\n{}");
      assertThat(c.readResponse()).startsWith("HTTP/1.1 400").contains("Connection: close");
      assertClosedByServer(c);
    }
    assertThat(engine.list("s", "g")).isEmpty();
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedAfterTheRequestTimeout() throws Exception {
    int port = serve(b -> b.requestTimeout(Duration.ofMillis(300)));
    try (RawClient c = new RawClient(port)) {
      c.sendRaw(set("a", 1, ""));
      assertThat(c.readResponse()).contains("Connection: keep-alive");
      long start = System.nanoTime();
      assertClosedByServer(c);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aKeptAliveConnectionCanUpgradeToWebSocket() throws Exception {
    int port = serve(b -> b);
    try (RawClient c = new RawClient(port)) {
      c.sendRaw(set("a", 1, ""));
      assertThat(c.readResponse()).contains("Connection: keep-alive");
      c.handshake("/");
      assertThat(c.responseHead).startsWith("HTTP/1.1 101");
    }
  }
}
