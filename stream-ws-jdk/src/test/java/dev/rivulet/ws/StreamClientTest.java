package dev.rivulet.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamException;
import dev.rivulet.Trigger;
import dev.rivulet.TriggerType;
import dev.rivulet.UpdateOp;
import dev.rivulet.kv.KvAdapter;
import dev.rivulet.testkit.ReadmeSnippets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK {@link StreamClient} against the real server (SPEC §5.7, issue 6). */
class StreamClientTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final List<AutoCloseable> open = new ArrayList<>();
  @TempDir Path dir;

  private <T extends AutoCloseable> T closeLater(T resource) {
    open.add(0, resource);
    return resource;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private StreamWebSocketServer serve(StreamEngine engine, int port) {
    return closeLater(StreamWebSocketServer.builder(engine).port(port).build().start());
  }

  private StreamClient client(int port) {
    return closeLater(
        StreamClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .build());
  }

  // README example: begin
  static Map<String, JsonNode> readmeExample(int port) {
    try (StreamClient client =
        StreamClient.builder(URI.create("ws://127.0.0.1:" + port + "/")).build()) {
      ClientSubscription orders = client.subscribeGroup("orders", "open");
      orders.onChange(change -> System.out.println(change.kind() + " " + change.itemId()));
      orders.ready().join();
      return orders.items(); // item id -> value, kept current until closed
    }
  }

  // README example: end

  @Test
  void readmeExampleWorks() {
    StreamEngine engine = closeLater(StreamEngine.builder().build());
    engine.set("orders", "open", "o-1", IntNode.valueOf(5));
    StreamWebSocketServer server = serve(engine, 0);
    assertThat(readmeExample(server.port())).containsExactly(Map.entry("o-1", IntNode.valueOf(5)));
  }

  @Test
  void readmeShowsTheClientExample() throws Exception {
    ReadmeSnippets.assertReadmeShows(
        Path.of("src/test/java/dev/rivulet/ws/StreamClientTest.java"), Path.of("..", "README.md"));
  }

  @Test
  void localStateConvergesUnderConcurrentWriters() throws Exception {
    StreamEngine engine = closeLater(StreamEngine.builder().build());
    engine.set("s", "g", "seed", IntNode.valueOf(0));
    StreamWebSocketServer server = serve(engine, 0);
    StreamClient client = client(server.port());
    ClientSubscription group = client.subscribeGroup("s", "g");
    ClientSubscription item = client.subscribeItem("s", "g", "i3");
    List<ClientSubscription.Change> changes = new CopyOnWriteArrayList<>();
    group.onChange(changes::add);
    group.ready().get(30, TimeUnit.SECONDS);
    item.ready().get(30, TimeUnit.SECONDS);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread w =
          new Thread(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 500; i++) {
                  String id = "i" + random.nextInt(6);
                  switch (random.nextInt(3)) {
                    case 0 -> engine.set("s", "g", id, IntNode.valueOf(i));
                    case 1 -> engine.update("s", "g", id, List.of(UpdateOp.increment("", 1)));
                    default -> engine.delete("s", "g", id);
                  }
                }
              });
      writers.add(w);
      w.start();
    }
    for (Thread w : writers) {
      w.join();
    }
    long finalSeq = engine.snapshot("s", "g", null).seq();
    await().atMost(WAIT).until(() -> group.lastSeq() == finalSeq);
    assertThat(group.items()).isEqualTo(engine.snapshot("s", "g", null).items());
    assertThat(item.value()).isEqualTo(engine.get("s", "g", "i3"));
    assertThat(group.duplicateCount()).isZero();
    assertThat(group.gapCount()).isZero();
    assertThat(changes)
        .extracting(ClientSubscription.Change::seq)
        .isSorted()
        .doesNotHaveDuplicates();
  }

  @Test
  void customEventsReachEventListeners() {
    StreamEngine engine = closeLater(StreamEngine.builder().build());
    StreamWebSocketServer server = serve(engine, 0);
    ClientSubscription sub = client(server.port()).subscribeGroup("chat", "room");
    List<String> events = new CopyOnWriteArrayList<>();
    sub.onEvent((type, data) -> events.add(type + "=" + data));
    sub.ready().join();
    engine.send("chat", "room", "typing", TextNode.valueOf("ada"), null);
    await().atMost(WAIT).until(() -> events.size() == 1);
    assertThat(events).containsExactly("typing=\"ada\"");
  }

  @Test
  void refusedJoinFailsReadyWithUnauthorized() {
    StreamEngine engine = closeLater(StreamEngine.builder().build());
    engine
        .triggers()
        .register(
            Trigger.toHandler(
                "deny",
                TriggerType.JOIN,
                null,
                in -> JdkClient.MAPPER.readTree("{\"unauthorized\":true}")));
    StreamWebSocketServer server = serve(engine, 0);
    ClientSubscription sub = client(server.port()).subscribeGroup("s", "g");
    assertThatThrownBy(() -> sub.ready().join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("unauthorized");
  }

  @Test
  void aJoinWithAnInvalidNameFailsReadyWithTheServersCode() {
    StreamEngine engine = closeLater(StreamEngine.builder().build());
    StreamWebSocketServer server = serve(engine, 0);
    StreamClient client = client(server.port());
    ClientSubscription bad = client.subscribeGroup("s", "");
    assertThatThrownBy(() -> bad.ready().get(30, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.ExecutionException.class)
        .cause()
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo("invalid_argument");
    client.subscribeGroup("s", "g").ready().join(); // the connection still serves
  }

  @Test
  void aThrowingListenerDoesNotDisturbOthers() {
    StreamEngine engine = closeLater(StreamEngine.builder().build());
    StreamWebSocketServer server = serve(engine, 0);
    ClientSubscription sub = client(server.port()).subscribeGroup("s", "g");
    List<String> seen = new CopyOnWriteArrayList<>();
    sub.onChange(
        c -> {
          throw new IllegalStateException("listener bug");
        });
    sub.onChange(c -> seen.add(c.itemId()));
    sub.ready().join();
    engine.set("s", "g", "a", IntNode.valueOf(1));
    engine.set("s", "g", "b", IntNode.valueOf(2));
    await().atMost(WAIT).until(() -> seen.size() == 2);
    assertThat(sub.items()).containsOnlyKeys("a", "b");
  }

  @Test
  void reconnectAfterAServerRestartOnTheFileStoreEndsOnTheStoredState() {
    StreamEngine first =
        StreamEngine.builder()
            .storage(KvAdapter.fileBased(dir).fsync(KvAdapter.Fsync.BATCH).build())
            .build();
    StreamWebSocketServer server = StreamWebSocketServer.builder(first).port(0).build().start();
    int port = server.port();
    StreamClient client = client(port);
    List<StreamClient.ConnectionState> states = new CopyOnWriteArrayList<>();
    client.onConnectionState(states::add);
    ClientSubscription sub = client.subscribeGroup("s", "g");
    sub.ready().join();
    first.set("s", "g", "a", IntNode.valueOf(1));
    await().atMost(WAIT).until(() -> sub.items().size() == 1);
    server.close();
    first.set("s", "g", "c", IntNode.valueOf(3)); // missed, and not in the next process's history
    first.close();
    await().atMost(WAIT).until(() -> states.contains(StreamClient.ConnectionState.DISCONNECTED));

    StreamEngine second =
        closeLater(
            StreamEngine.builder()
                .storage(KvAdapter.fileBased(dir).fsync(KvAdapter.Fsync.BATCH).build())
                .build());
    second.set("s", "g", "b", IntNode.valueOf(2));
    second.delete("s", "g", "a");
    serve(second, port);
    await().atMost(WAIT).until(() -> sub.lastSeq() == second.snapshot("s", "g", null).seq());
    assertThat(sub.items()).isEqualTo(second.snapshot("s", "g", null).items());
    assertThat(sub.syncCount()).isEqualTo(2); // history does not survive a restart: a fresh sync
    assertThat(sub.items()).containsOnlyKeys("c", "b");
    assertThat(states).endsWith(StreamClient.ConnectionState.CONNECTED);
  }

  @Test
  void reconnectToTheSameEngineResumesWithoutASync() {
    StreamEngine engine = closeLater(StreamEngine.builder().build());
    StreamWebSocketServer server = StreamWebSocketServer.builder(engine).port(0).build().start();
    int port = server.port();
    ClientSubscription sub = client(port).subscribeGroup("s", "g");
    sub.ready().join();
    engine.set("s", "g", "a", IntNode.valueOf(1));
    await().atMost(WAIT).until(() -> sub.lastSeq() == 1);
    server.close();
    engine.set("s", "g", "b", IntNode.valueOf(2)); // missed while disconnected
    engine.set("s", "g", "a", IntNode.valueOf(3));
    serve(engine, port);
    await().atMost(WAIT).until(() -> sub.lastSeq() == 3);
    assertThat(sub.items()).isEqualTo(engine.snapshot("s", "g", null).items());
    assertThat(sub.syncCount()).isEqualTo(1);
    assertThat(sub.duplicateCount()).isZero();
  }

  @Test
  void builderRejectsBadArguments() {
    assertThatThrownBy(() -> StreamClient.builder(URI.create("http://127.0.0.1:1/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://127.0.0.1:1/");
    StreamClient.Builder b = StreamClient.builder(URI.create("ws://127.0.0.1:1/"));
    assertThatThrownBy(() -> b.reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.authToken(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
