package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.StreamEngine;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fan-out write coalescing (SPEC §8): the frames queued on a connection leave in one gathering
 * write, a delivery pass over many connections wakes the selector once, an isolated event still
 * leaves at once, and order, partial writes and the slow-consumer bound are kept.
 */
class WriteCoalescingTest {
  StreamEngine engine;
  StreamWebSocketServer server;
  final List<RawClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
  }

  @AfterEach
  void stop() throws Exception {
    for (RawClient c : clients) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
    engine.close();
  }

  private void serve(StreamWebSocketServer.Builder builder) {
    server = builder.port(0).selectorThreads(1).build().start();
  }

  /** A client joined to group {@code g} of stream {@code s}, its sync read. */
  private RawClient joined(int receiveBuffer) throws Exception {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
    RawClient c = RawClient.adopt(socket);
    clients.add(c);
    c.handshake("/");
    c.sendText(JdkClient.message("join", "sub", "s", "g", null));
    assertThat(c.read().text()).contains("\"sync\"");
    return c;
  }

  private SelectorLoop loop() {
    return server.loops().get(0);
  }

  /** Blocks the selector thread until the returned latch is counted down. */
  private CountDownLatch blockLoop() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop()
        .execute(
            () -> {
              running.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  private Connection onlyConnection() throws Exception {
    CompletableFuture<List<Connection>> all = new CompletableFuture<>();
    loop().execute(() -> all.complete(loop().connections()));
    List<Connection> list = all.get(10, TimeUnit.SECONDS);
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  private long writes() {
    return server.counters().writeCalls.sum();
  }

  private static String text(int i) {
    return "frame-" + i;
  }

  private void setItem(int k, int padding) {
    engine.set(
        "s",
        "g",
        "item",
        StreamProtocolTest.json("{\"k\":" + k + ",\"pad\":\"" + "x".repeat(padding) + "\"}"));
  }

  /** Reads {@code count} change messages and checks they carry k = 0, 1, … and seq + 1 each. */
  private static void readInOrder(RawClient c, int count) throws Exception {
    long lastSeq = -1;
    for (int k = 0; k < count; k++) {
      JsonNode msg = StreamProtocolTest.json(c.read().text());
      assertThat(msg.path("event").path("data").path("k").asInt()).isEqualTo(k);
      long seq = msg.path("seq").asLong();
      if (lastSeq >= 0) {
        assertThat(seq).isEqualTo(lastSeq + 1);
      }
      lastSeq = seq;
    }
  }

  @Test
  void framesQueuedOnOneConnectionLeaveInOneWriteInOrder() throws Exception {
    serve(StreamWebSocketServer.builder(engine));
    RawClient client = joined(0);
    Connection connection = onlyConnection();
    CountDownLatch release = blockLoop();
    long before = writes();
    for (int i = 0; i < 20; i++) {
      connection.send(
          FrameEncoder.frame(FrameEncoder.OP_TEXT, text(i).getBytes(StandardCharsets.UTF_8)));
    }
    release.countDown();
    for (int i = 0; i < 20; i++) {
      assertThat(client.read().text()).isEqualTo(text(i));
    }
    assertThat(writes() - before).isEqualTo(1);
  }

  @Test
  void onePassOverManyConnectionsWakesTheSelectorOnce() throws Exception {
    serve(StreamWebSocketServer.builder(engine));
    int n = 300;
    for (int i = 0; i < n; i++) {
      joined(0);
    }
    long wakeups = loop().wakeups();
    setItem(0, 10);
    for (RawClient c : clients) {
      assertThat(c.read().text()).contains("\"k\":0");
    }
    assertThat(loop().wakeups() - wakeups).isEqualTo(1);
  }

  @Test
  void anIsolatedEventIsWrittenAtOnceNotAtTheNextTick() throws Exception {
    serve(StreamWebSocketServer.builder(engine));
    RawClient client = joined(0);
    for (int k = 0; k < 5; k++) {
      long wakeups = loop().wakeups();
      CompletableFuture<String> got =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.read().text();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      setItem(k, 10);
      // woken by the end of the pass itself: had the wakeup been lost, the selector would have
      // found the frame at its next tick without anybody waking it
      assertThat(got.get(10, TimeUnit.SECONDS)).contains("\"k\":" + k);
      assertThat(loop().wakeups() - wakeups).isEqualTo(1);
    }
  }

  @Test
  void aPeerReadingSlowlyGetsEveryFrameInOrderThroughPartialWrites() throws Exception {
    serve(StreamWebSocketServer.builder(engine).socketSendBuffer(8 * 1024));
    RawClient client = joined(4 * 1024);
    int events = 300;
    long before = writes();
    for (int k = 0; k < events; k++) {
      setItem(k, 1_000); // ~300 KB in all: far more than both socket buffers, under the bound
    }
    readInOrder(client, events);
    assertThat(server.stats().queuedBytes()).isZero();
    assertThat(writes() - before).isLessThan(events);
  }

  @Test
  void aConsumerPastTheQueueBoundIsClosedWith4008AfterTheFramesBeforeInOrder() throws Exception {
    serve(
        StreamWebSocketServer.builder(engine)
            .outboundQueueBytes(64 * 1024)
            .socketSendBuffer(8 * 1024));
    RawClient slow = joined(4 * 1024);
    int events = 400; // ~400 KB: the queue passes its 64 KiB bound while the client does not read
    for (int k = 0; k < events; k++) {
      setItem(k, 1_000);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> server.stats().slowConsumerCloses() == 1);
    int k = 0;
    long lastSeq = -1;
    while (true) {
      RawClient.Frame f = slow.read();
      if (f.opcode() == FrameEncoder.OP_CLOSE) {
        assertThat(f.closeCode()).isEqualTo(CloseCodes.SLOW_CONSUMER);
        break;
      }
      JsonNode msg = StreamProtocolTest.json(f.text());
      assertThat(msg.path("event").path("data").path("k").asInt()).isEqualTo(k++);
      long seq = msg.path("seq").asLong();
      assertThat(lastSeq < 0 || seq == lastSeq + 1).isTrue();
      lastSeq = seq;
    }
    assertThat(k).isGreaterThan(0).isLessThan(events);
  }
}
