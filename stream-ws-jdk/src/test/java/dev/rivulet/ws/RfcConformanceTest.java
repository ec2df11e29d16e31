package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rivulet.StreamEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 6455 rules checked with raw sockets sending hand-made (often malformed) frames. */
class RfcConformanceTest {
  static StreamEngine engine;
  static StreamWebSocketServer server;
  RawClient bystander;

  @BeforeAll
  static void start() {
    engine = StreamEngine.builder().build();
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .echo(true)
            .maxMessageSize(64 * 1024)
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  /** Another connection that must keep working while bad ones are rejected. */
  @BeforeEach
  void openBystander() throws IOException {
    bystander = RawClient.connect(server.port(), "/echo");
  }

  @AfterEach
  void bystanderStillWorks() throws IOException {
    bystander.sendText("still here");
    assertThat(bystander.readUntil(0x1).text()).isEqualTo("still here");
    bystander.close();
  }

  private int closeCodeAfterByteByByte(byte[]... frames) throws IOException {
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      for (byte[] f : frames) {
        c.sendByteByByte(f);
      }
      return c.readCloseCode();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void unmaskedFrameIsProtocolError() throws IOException {
    assertThat(closeCodeAfterByteByByte(RawClient.frame(0x81, false, 2, bytes("hi"))))
        .isEqualTo(1002);
  }

  @Test
  void reservedBitsAreProtocolErrors() throws IOException {
    for (int rsv : new int[] {0x40, 0x20, 0x10}) {
      assertThat(closeCodeAfterByteByByte(RawClient.frame(0x81 | rsv, true, 2, bytes("hi"))))
          .isEqualTo(1002);
    }
  }

  @Test
  void reservedOpcodesAreProtocolErrors() throws IOException {
    for (int op : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
      assertThat(closeCodeAfterByteByByte(RawClient.frame(0x80 | op, true, 0, new byte[0])))
          .as("opcode %d", op)
          .isEqualTo(1002);
    }
  }

  @Test
  void fragmentedControlFrameIsProtocolError() throws IOException {
    assertThat(closeCodeAfterByteByByte(RawClient.frame(0x9, false, bytes("x")))).isEqualTo(1002);
  }

  @Test
  void controlFrameOver125BytesIsProtocolError() throws IOException {
    assertThat(closeCodeAfterByteByByte(RawClient.frame(0x9, true, new byte[126]))).isEqualTo(1002);
  }

  @Test
  void continuationWithoutStartIsProtocolError() throws IOException {
    assertThat(closeCodeAfterByteByByte(RawClient.frame(0x0, true, bytes("x")))).isEqualTo(1002);
  }

  @Test
  void newMessageInsideFragmentedMessageIsProtocolError() throws IOException {
    assertThat(
            closeCodeAfterByteByByte(
                RawClient.frame(0x1, false, bytes("a")), RawClient.frame(0x1, true, bytes("b"))))
        .isEqualTo(1002);
  }

  @Test
  void invalidUtf8IsRejectedWith1007() throws IOException {
    byte[] bad = {(byte) 0xce, (byte) 0xba, (byte) 0xe1, (byte) 0xbd, (byte) 0xb9, (byte) 0xff};
    assertThat(closeCodeAfterByteByByte(RawClient.frame(0x1, true, bad))).isEqualTo(1007);
  }

  @Test
  void invalidUtf8SplitAcrossFragmentsFailsFast() throws IOException {
    // 0xF4 0x90 can never start a valid sequence (> U+10FFFF): detected in the 2nd fragment,
    // before the message ends
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      c.send(RawClient.frame(0x1, false, new byte[] {'a', (byte) 0xf4}));
      c.send(RawClient.frame(0x0, false, new byte[] {(byte) 0x90}));
      assertThat(c.readCloseCode()).isEqualTo(1007);
    }
  }

  @Test
  void textEndingInsideACharacterIs1007() throws IOException {
    assertThat(
            closeCodeAfterByteByByte(
                RawClient.frame(0x1, false, new byte[] {'a', (byte) 0xe2}),
                RawClient.frame(0x0, true, new byte[] {(byte) 0x82})))
        .isEqualTo(1007);
  }

  @Test
  void validUtf8SplitAcrossFragmentsIsAccepted() throws IOException {
    byte[] euro = bytes("€");
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      c.send(RawClient.frame(0x1, false, new byte[] {'a', euro[0]}));
      c.send(RawClient.frame(0x9, true, bytes("p"))); // interleaved ping
      c.send(RawClient.frame(0x0, false, new byte[] {euro[1]}));
      c.send(RawClient.frame(0x0, true, new byte[] {euro[2], 'b'}));
      RawClient.Frame pong = c.read();
      assertThat(pong.opcode()).isEqualTo(0xA);
      assertThat(pong.text()).isEqualTo("p");
      assertThat(c.readUntil(0x1).text()).isEqualTo("a€b");
    }
  }

  @Test
  void pingIsAnsweredWithPongOfSamePayload() throws IOException {
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      c.send(RawClient.frame(0x9, true, new byte[] {1, 2, 3}));
      RawClient.Frame pong = c.read();
      assertThat(pong.opcode()).isEqualTo(0xA);
      assertThat(pong.payload()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void binaryMessagesEchoUnchanged() throws IOException {
    byte[] data = new byte[70_000 / 2];
    Arrays.fill(data, (byte) 0xff);
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      c.send(RawClient.frame(0x2, true, data));
      RawClient.Frame f = c.readUntil(0x2);
      assertThat(f.payload()).isEqualTo(data);
    }
  }

  @Test
  void closeHandshakeEchoesTheCodeAndClosesTcp() throws IOException {
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      c.send(RawClient.frame(0x8, true, new byte[] {0x03, (byte) 0xe8, 'b', 'y', 'e'}));
      assertThat(c.readCloseCode()).isEqualTo(1000);
      assertThat(c.readsEndOfStream()).isTrue();
    }
  }

  @Test
  void emptyCloseIsAnsweredWithEmptyClose() throws IOException {
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      c.send(RawClient.frame(0x8, true, new byte[0]));
      RawClient.Frame f = c.readUntil(0x8);
      assertThat(f.payload()).isEmpty();
    }
  }

  @Test
  void invalidCloseCodesAreProtocolErrors() throws IOException {
    for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
      byte[] payload = {(byte) (code >>> 8), (byte) code};
      assertThat(closeCodeAfterByteByByte(RawClient.frame(0x8, true, payload)))
          .as("close code %d", code)
          .isEqualTo(1002);
    }
  }

  @Test
  void closeWithOneBytePayloadIsProtocolError() throws IOException {
    assertThat(closeCodeAfterByteByByte(RawClient.frame(0x8, true, new byte[] {3})))
        .isEqualTo(1002);
  }

  @Test
  void closeReasonWithInvalidUtf8Is1007() throws IOException {
    byte[] payload = {0x03, (byte) 0xe8, (byte) 0xff};
    assertThat(closeCodeAfterByteByByte(RawClient.frame(0x8, true, payload))).isEqualTo(1007);
  }

  @Test
  void frameOverTheLimitIs1009() throws IOException {
    try (RawClient c = RawClient.connect(server.port(), "/")) {
      // header only: the server refuses from the announced length, before any payload arrives
      c.send(Arrays.copyOf(RawClient.frame(0x82, true, 64 * 1024 + 1, new byte[0]), 14));
      assertThat(c.readCloseCode()).isEqualTo(1009);
    }
  }

  @Test
  void fragmentedMessageOverTheLimitIs1009() throws IOException {
    try (RawClient c = RawClient.connect(server.port(), "/")) {
      c.send(RawClient.frame(0x2, false, new byte[40 * 1024]));
      c.send(RawClient.frame(0x0, true, new byte[40 * 1024]));
      assertThat(c.readCloseCode()).isEqualTo(1009);
    }
  }

  @Test
  void lengthOf2Pow63IsRejected() throws IOException {
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      byte[] header = {(byte) 0x82, (byte) 0xff, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
      c.sendByteByByte(header);
      assertThat(c.readCloseCode()).isIn(1002, 1009);
    }
  }

  @Test
  void truncatedFrameThenDisconnectLeavesServerHealthy() throws IOException {
    try (RawClient c = RawClient.connect(server.port(), "/echo")) {
      byte[] f = RawClient.frame(0x1, true, bytes("hello world"));
      c.send(Arrays.copyOf(f, f.length - 3));
    }
    // the bystander check in @AfterEach proves the server still serves
  }

  @Test
  void handshakeWithoutKeyIs400() throws IOException {
    assertThat(handshake("Sec-WebSocket-Version: 13\r\n")).startsWith("HTTP/1.1 400");
  }

  @Test
  void handshakeWithMalformedKeyIs400() throws IOException {
    assertThat(handshake("Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n"))
        .startsWith("HTTP/1.1 400");
  }

  @Test
  void handshakeWithWrongVersionIs426NamingVersion13() throws IOException {
    String response =
        handshake("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 8\r\n");
    assertThat(response).startsWith("HTTP/1.1 426").contains("Sec-WebSocket-Version: 13");
  }

  @Test
  void handshakeEchoesTheFirstOfferedSubprotocolAndTheAcceptKey() throws IOException {
    String response =
        handshake(
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: Authorization, tok123\r\n");
    assertThat(response)
        .startsWith("HTTP/1.1 101")
        .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        .contains("Sec-WebSocket-Protocol: Authorization\r\n");
  }

  @Test
  void garbageRequestIs400() throws IOException {
    try (RawClient c = new RawClient(server.port())) {
      c.sendRaw("\u0001\u0002garbage\r\n\r\n");
      assertThat(c.readResponse()).startsWith("HTTP/1.1 400");
    }
  }

  @Test
  void malformedRequestLineIs400() throws IOException {
    try (RawClient c = new RawClient(server.port())) {
      c.sendRaw("GET\r\n\r\n");
      assertThat(c.readResponse()).startsWith("HTTP/1.1 400");
    }
  }

  @Test
  void oversizedRequestLineIsRefused() throws IOException {
    try (RawClient c = new RawClient(server.port())) {
      c.sendRaw("GET /" + "a".repeat(9000));
      assertThat(c.readResponse()).startsWith("HTTP/1.1 414");
    }
  }

  @Test
  void oversizedHeaderSectionIsRefused() throws IOException {
    try (RawClient c = new RawClient(server.port())) {
      c.sendRaw("GET / HTTP/1.1\r\n" + ("X-Filler: " + "b".repeat(100) + "\r\n").repeat(200));
      assertThat(c.readResponse()).startsWith("HTTP/1.1 431");
    }
  }

  @Test
  void unknownPathIs404() throws IOException {
    assertThat(
            handshakeTo(
                "/nowhere",
                "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n"))
        .startsWith("HTTP/1.1 404");
  }

  @Test
  void plainGetWithoutInspectorIs426() throws IOException {
    try (RawClient c = new RawClient(server.port())) {
      c.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse()).startsWith("HTTP/1.1 426");
    }
  }

  @Test
  void idleConnectionIsPingedThenDropped() throws Exception {
    try (StreamEngine e = StreamEngine.builder().build();
        StreamWebSocketServer s =
            StreamWebSocketServer.builder(e)
                .port(0)
                .echo(true)
                .pingInterval(Duration.ofMillis(300))
                .idleTimeout(Duration.ofMillis(1500))
                .build()
                .start();
        RawClient c = RawClient.connect(s.port(), "/echo")) {
      assertThat(c.read().opcode()).isEqualTo(0x9);
      assertThat(c.readCloseCode()).isEqualTo(1001);
    }
  }

  private String handshake(String headers) throws IOException {
    return handshakeTo("/", headers);
  }

  private String handshakeTo(String path, String headers) throws IOException {
    try (RawClient c = new RawClient(server.port())) {
      c.sendRaw(
          "GET "
              + path
              + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + headers
              + "\r\n");
      return c.readHead();
    }
  }
}
