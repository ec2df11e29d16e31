package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many connections, a slow consumer, and the sync/seq race under concurrent writers. */
class LoadTest {
  static final boolean STRESS = Boolean.getBoolean("rivulet.stress");

  StreamEngine engine;
  StreamWebSocketServer server;

  @BeforeEach
  void start() {
    engine = StreamEngine.builder().build();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    engine.close();
  }

  /** Counts the text messages it gets; never stores them. */
  static final class Counter implements WebSocket.Listener {
    final CountDownLatch synced = new CountDownLatch(1);
    final CountDownLatch done;
    final AtomicInteger events = new AtomicInteger();

    Counter(CountDownLatch done) {
      this.done = done;
    }

    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        if (text.indexOf("\"sync\"") >= 0) {
          synced.countDown();
        } else if (text.indexOf("\"last\"") >= 0) {
          done.countDown();
        } else {
          events.incrementAndGet();
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  private List<WebSocket> connect(int n, CountDownLatch done, List<Counter> counters)
      throws Exception {
    List<CompletableFuture<WebSocket>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Counter counter = new Counter(done);
      counters.add(counter);
      futures.add(
          JdkClient.HTTP
              .newWebSocketBuilder()
              .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), counter));
    }
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      WebSocket ws = futures.get(i).get(30, TimeUnit.SECONDS);
      ws.sendText(JdkClient.message("join", "s", "load", "g", null), true);
      sockets.add(ws);
    }
    for (Counter c : counters) {
      assertThat(c.synced.await(30, TimeUnit.SECONDS)).isTrue();
    }
    return sockets;
  }

  @Test
  void thousandConcurrentConnectionsAllReceiveEveryEvent() throws Exception {
    server = StreamWebSocketServer.builder(engine).port(0).build().start();
    int n = STRESS ? 5_000 : 1_000;
    CountDownLatch done = new CountDownLatch(n);
    List<Counter> counters = new ArrayList<>();
    List<WebSocket> sockets = connect(n, done, counters);
    assertThat(server.connectionCount()).isEqualTo(n);
    for (int i = 0; i < 20; i++) {
      engine.set("load", "g", "item", StreamProtocolTest.json("{\"n\":" + i + "}"));
    }
    engine.send("load", "g", "last", null, null);
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(counters).allSatisfy(c -> assertThat(c.events.get()).isEqualTo(20));
    sockets.forEach(WebSocket::abort);
    await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == 0);
  }

  @Test
  void slowConsumerIsClosedWith4008WhileOthersKeepReceiving() throws Exception {
    server =
        StreamWebSocketServer.builder(engine)
            .port(0)
            .outboundQueueBytes(64 * 1024)
            .socketSendBuffer(8 * 1024)
            .build()
            .start();
    Socket slowSocket = new Socket();
    slowSocket.setReceiveBufferSize(4 * 1024);
    slowSocket.connect(new InetSocketAddress("127.0.0.1", server.port()));
    RawClient slow = RawClient.adopt(slowSocket);
    slow.handshake("/");
    slow.sendText(JdkClient.message("join", "s", "load", "g", null));
    assertThat(slow.read().text()).contains("\"sync\"");

    int others = STRESS ? 1_000 : 300;
    CountDownLatch done = new CountDownLatch(others);
    List<Counter> counters = new ArrayList<>();
    List<WebSocket> sockets = connect(others, done, counters);
    String payload = "x".repeat(1000);
    int events = 300;
    for (int i = 0; i < events; i++) {
      engine.set("load", "g", "item-" + (i % 10), StreamProtocolTest.json("\"" + payload + "\""));
      if (i % 10 == 9) {
        int expected = i + 1; // the others keep up: wait until each has this batch
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> counters.stream().allMatch(c -> c.events.get() >= expected));
      }
    }
    engine.send("load", "g", "last", null, null);
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(counters).allSatisfy(c -> assertThat(c.events.get()).isEqualTo(events));
    // the slow one now reads what was queued before the overflow, then the 4008 close
    assertThat(slow.readCloseCode()).isEqualTo(4008);
    assertThat(server.stats().slowConsumerCloses()).isEqualTo(1);
    slow.close();
    sockets.forEach(WebSocket::abort);
  }

  @Test
  void concurrentWritersAndJoinsEndInTheStoredStateWithStrictlyIncreasingSeq() throws Exception {
    server = StreamWebSocketServer.builder(engine).port(0).build().start();
    int writers = 4;
    int writesEach = STRESS ? 5_000 : 500;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> writing = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      writing.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                for (int i = 0; i < writesEach; i++) {
                  String item = "item-" + ThreadLocalRandom.current().nextInt(20);
                  if (i % 7 == 0) {
                    engine.delete("race", "g", item);
                  } else {
                    ObjectNode v = JdkClient.MAPPER.createObjectNode();
                    v.put("id", item).put("w", writer).put("i", i);
                    engine.set("race", "g", item, v);
                  }
                }
              },
              pool));
    }
    go.countDown();
    List<JdkClient> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      JdkClient c = new JdkClient(server.port(), "/");
      c.join("s", "race", "g", null);
      clients.add(c);
    }
    CompletableFuture.allOf(writing.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    List<List<JsonNode>> received = new ArrayList<>();
    for (JdkClient c : clients) {
      List<JsonNode> seen = new ArrayList<>();
      do {
        seen.add(c.next()); // wait until the join was handled (its sync arrived)
      } while (seen.stream().noneMatch(m -> m.path("event").path("type").asText().equals("sync")));
      received.add(seen);
    }
    engine.send("race", "g", "last", null, null);
    Map<String, JsonNode> stored = new HashMap<>();
    engine.list("race", "g").forEach(v -> stored.put(v.path("id").asText(), v));
    for (int k = 0; k < clients.size(); k++) {
      JdkClient c = clients.get(k);
      List<JsonNode> messages = received.get(k);
      while (!messages
          .get(messages.size() - 1)
          .path("event")
          .path("type")
          .asText()
          .equals("event")) {
        messages.add(c.next());
      }
      Map<String, JsonNode> view = new HashMap<>();
      long seq = -1;
      for (JsonNode m : messages) {
        long s = m.path("seq").asLong();
        assertThat(s).as("seq strictly increases").isGreaterThan(seq);
        seq = s;
        String type = m.path("event").path("type").asText();
        if (type.equals("sync")) {
          m.path("event").path("data").forEach(v -> view.put(v.path("id").asText(), v));
        } else if (type.equals("delete")) {
          view.remove(m.path("id").asText());
        } else if (!type.equals("event")) {
          view.put(m.path("id").asText(), m.path("event").path("data"));
        }
      }
      assertThat(view).isEqualTo(stored);
      c.close();
    }
    pool.shutdown();
  }
}
