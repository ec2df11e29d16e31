package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.internal.Json;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SPEC §9 "Memory before trust" and "HTTP strictness" against a real server over sockets. */
class HttpHardeningTest {
  static final String SET =
      "{\"stream_name\":\"s\",\"group_id\":\"g\",\"item_id\":\"i\",\"data\":1}";

  StreamEngine engine = StreamEngine.builder().build();
  StreamWebSocketServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    engine.close();
  }

  private StreamWebSocketServer start(StreamWebSocketServer.Builder builder) {
    server = builder.build().start();
    return server;
  }

  private StreamWebSocketServer.Builder invokeServer() {
    return StreamWebSocketServer.builder(engine).port(0).httpInvoke(true).authToken("tok");
  }

  private String exchange(String request) throws IOException {
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(request);
      return raw.readResponse();
    }
  }

  private static String invoke(String fn, String contentLength, String body) {
    return "POST /invoke/"
        + fn
        + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\nContent-Type: application/json\r\n"
        + contentLength
        + "\r\n"
        + body;
  }

  private boolean itemWritten() {
    JsonNode got =
        engine.invoke(
            "stream::get",
            Json.object().put("stream_name", "s").put("group_id", "g").put("item_id", "i"));
    return got != null && !got.isNull();
  }

  @Test
  void heldHeadsClaimingMegabyteBodiesAllocateNothingAndAGoodRequestIsServed() throws Exception {
    start(invokeServer().maxPendingRequestBytes(1024 * 1024));
    // both socket ends live in this JVM: stay well under its fd limit
    int count = (int) Math.min(6_000, (ConnectionLimit.processFdLimit() - 200) / 3);
    List<RawClient> held = new ArrayList<>();
    String claim = invoke("stream::set", "Content-Length: 1048576\r\n", "");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
        RawClient c = new RawClient(server.port());
        held.add(c);
        c.sendRaw(claim);
      }
      assertThat(held).hasSizeGreaterThan(1_000);
      await().atMost(Duration.ofSeconds(20)).until(() -> server.connectionCount() >= held.size());
      assertThat(exchange("GET / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n"))
          .startsWith("HTTP/1.1 400");
      assertThat(exchange(invoke("stream::set", "Content-Length: " + SET.length() + "\r\n", SET)))
          .startsWith("HTTP/1.1 200");
      // no claimed length was allocated: only bytes actually received are buffered
      assertThat(server.pendingRequestBytes()).isLessThan(64 * 1024);
    } finally {
      for (RawClient c : held) {
        c.close();
      }
    }
  }

  @Test
  void bodyBufferGrowsWithReceivedBytesNotTheClaimedLength() throws Exception {
    start(invokeServer());
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(invoke("stream::set", "Content-Length: 1000000\r\n", "{\"stream_"));
      await().atMost(Duration.ofSeconds(5)).until(() -> server.pendingRequestBytes() > 0);
      assertThat(server.pendingRequestBytes()).isEqualTo(4096);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.pendingRequestBytes() == 0);
  }

  @Test
  void incompleteHeadsBeyondTheGlobalBudgetGet503() throws Exception {
    start(invokeServer().maxPendingRequestBytes(64 * 1024));
    List<RawClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < 128; i++) { // 128 heads of 512 buffered bytes fill 64 KiB
        RawClient c = new RawClient(server.port());
        held.add(c);
        c.sendRaw("GET / HTTP/1.1\r\nX-Slow: ");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> server.pendingRequestBytes() == 64 * 1024);
      String refused = exchange("GET / HTTP/1.1\r\n");
      assertThat(refused).startsWith("HTTP/1.1 503").contains("server_busy");
    } finally {
      for (RawClient c : held) {
        c.close();
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.pendingRequestBytes() == 0);
    assertThat(exchange("GET / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 426");
  }

  @Test
  void aBodyIsNotAcceptedBeforeTheTokenIsChecked() throws Exception {
    start(invokeServer());
    String noToken =
        "POST /invoke/stream::set HTTP/1.1\r\nContent-Length: " + SET.length() + "\r\n\r\n";
    assertThat(exchange(noToken)).startsWith("HTTP/1.1 401");
    assertThat(server.pendingRequestBytes()).isZero();
    assertThat(itemWritten()).isFalse();
  }

  @Test
  void bytesSentWhileTheAuthFunctionRunsAreCappedByPausingReads() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    engine
        .functions()
        .register(
            "slow-auth",
            in -> {
              release.await(10, java.util.concurrent.TimeUnit.SECONDS);
              return null;
            });
    start(StreamWebSocketServer.builder(engine).port(0).authFunction("slow-auth"));
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw(StreamProtocolTest.upgrade("/", ""));
      java.util.concurrent.CompletableFuture<Void> flood =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  raw.out.write(new byte[64 * 1024 * 1024]);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      await()
          .during(Duration.ofMillis(700))
          .atMost(Duration.ofSeconds(3))
          .until(() -> !flood.isDone()); // the server stopped reading, it did not buffer or drop
      release.countDown();
      // then it is upgraded; the zeros are unmasked frames, so it is then closed with 1002
      assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
    }
  }

  @Test
  void conflictingOrNonDecimalContentLengthIs400AndNothingIsInvoked() throws Exception {
    start(invokeServer());
    for (String header :
        List.of(
            "Content-Length: " + SET.length() + "\r\nContent-Length: " + (SET.length() + 1),
            "Content-Length: " + SET.length() + ", " + (SET.length() - 1),
            "Content-Length: +" + SET.length(),
            "Content-Length: -1",
            "Content-Length: 0x10",
            "Content-Length: ",
            "Content-Length: 1e2")) {
      assertThat(exchange(invoke("stream::set", header + "\r\n", SET)))
          .as(header)
          .startsWith("HTTP/1.1 400");
    }
    assertThat(itemWritten()).isFalse();
    String same = "Content-Length: " + SET.length() + ", " + SET.length() + "\r\n";
    assertThat(exchange(invoke("stream::set", same, SET))).startsWith("HTTP/1.1 200");
    assertThat(itemWritten()).isTrue();
  }

  @Test
  void bareCarriageReturnAndObsFoldAre400() throws Exception {
    start(invokeServer());
    assertThat(exchange("GET / HTTP/1.1\r\nX-A: 1\rX-B: 2\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(exchange("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(exchange("GET / HTTP/1.1\nHost: x\n\n")).startsWith("HTTP/1.1 426");
  }

  @Test
  void headIsAnsweredLikeGetWithoutTheBody() throws Exception {
    start(invokeServer().inspector(true));
    String get = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = raw.readHead();
      assertThat(head).startsWith("HTTP/1.1 200");
      assertThat(get).startsWith(head);
      assertThat(get.length()).isGreaterThan(head.length());
      assertThat(raw.in.read()).isEqualTo(-1);
    }
  }

  @Test
  void unsupportedMethodsOnKnownPathsAre405WithAllow() throws Exception {
    start(invokeServer().inspector(true));
    assertThat(exchange("DELETE / HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 405")
        .contains("Allow: GET, HEAD");
    assertThat(exchange("GET /invoke/stream::get HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 405")
        .contains("Allow: POST");
  }

  @Test
  void aHeadTrickledOneByteAtATimeIsDroppedAtTheRequestDeadline() throws Exception {
    start(invokeServer().requestTimeout(Duration.ofMillis(500)));
    byte[] head = "GET / HTTP/1.1\r\nX-Padding: ".getBytes(StandardCharsets.ISO_8859_1);
    long started = System.nanoTime();
    boolean dropped = false;
    try (RawClient raw = new RawClient(server.port())) {
      for (int i = 0; i < 200 && !dropped; i++) { // at most ~10 s
        try {
          raw.out.write(i < head.length ? head[i] : 'a');
          raw.out.flush();
          raw.socket.setSoTimeout(50); // paces the drip, and notices the close
          dropped = raw.in.read() == -1;
        } catch (java.net.SocketTimeoutException e) {
          // still open
        } catch (SocketException e) {
          dropped = true;
        }
      }
    }
    assertThat(dropped).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void anErrorThrownOnEverySelectorThreadDoesNotStopServing() throws Exception {
    start(invokeServer().selectorThreads(2));
    AtomicInteger thrown = new AtomicInteger();
    for (SelectorLoop loop : server.loops()) {
      loop.execute(
          () -> {
            thrown.incrementAndGet();
            throw new OutOfMemoryError("injected");
          });
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> thrown.get() == 2);
    for (int i = 0; i < 4; i++) { // round-robin reaches both loops
      assertThat(exchange("GET / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 426");
    }
  }

  @Test
  void failingAcceptBacksOffInsteadOfSpinningAndRecovers() throws Exception {
    server = invokeServer().build();
    AtomicInteger attempts = new AtomicInteger();
    server.acceptor =
        s -> {
          attempts.incrementAndGet();
          throw new IOException("Too many open files");
        };
    server.start();
    try (RawClient raw = new RawClient(server.port())) {
      raw.sendRaw("GET / HTTP/1.1\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() >= 3);
      long t0 = System.nanoTime();
      int before = attempts.get();
      await()
          .pollDelay(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> System.nanoTime() - t0 >= 300_000_000L);
      assertThat(attempts.get() - before).isLessThanOrEqualTo(4); // a spin makes thousands
      server.acceptor = java.nio.channels.ServerSocketChannel::accept;
      assertThat(raw.readResponse()).startsWith("HTTP/1.1 426");
    }
  }

  @Test
  void connectionsBeyondTheLimitGet503AtOnce() throws Exception {
    start(invokeServer().maxConnections(2));
    try (RawClient a = new RawClient(server.port());
        RawClient b = new RawClient(server.port())) {
      await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 2);
      try (RawClient c = new RawClient(server.port())) {
        c.socket.setSoTimeout(5_000);
        assertThat(c.readResponse()).startsWith("HTTP/1.1 503").contains("too_many_connections");
      }
      a.sendRaw("GET / HTTP/1.1\r\n\r\n");
      b.sendRaw("GET / HTTP/1.1\r\n\r\n");
      assertThat(a.readResponse()).startsWith("HTTP/1.1 426");
      assertThat(b.readResponse()).startsWith("HTTP/1.1 426");
    }
  }

  @Test
  void theEffectiveConnectionLimitKeepsAFileDescriptorReserve() {
    assertThat(ConnectionLimit.effective(100_000, 20_000)).isEqualTo(18_000);
    assertThat(ConnectionLimit.effective(100_000, 256)).isEqualTo(192);
    assertThat(ConnectionLimit.effective(50, 20_000)).isEqualTo(50);
    assertThat(ConnectionLimit.effective(100, -1)).isEqualTo(100);
    assertThat(ConnectionLimit.effective(100, 10)).isEqualTo(1);
  }
}
