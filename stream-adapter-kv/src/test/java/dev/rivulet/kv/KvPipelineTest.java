package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamException;
import dev.rivulet.StreamListener;
import dev.rivulet.UpdateOp;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelined group commit of the kv file store: writers of ONE group append under the group's
 * monitor and wait for the fsync outside it, so they share it; the table applies and reports their
 * changes in seq order once durable; a failed batch fails the group's later pending writes too.
 */
class KvPipelineTest {
  private static final GroupKey G = new GroupKey("s", "g");
  private static final int WRITERS = 16;

  @TempDir Path tmp;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private FileStorage open() {
    return (FileStorage) KvAdapter.fileBased(tmp.resolve("db")).build();
  }

  private <T> List<Future<T>> start(int n, java.util.function.IntFunction<Callable<T>> task) {
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(task.apply(i)));
    }
    return futures;
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static JsonNode counter(int n) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    return node.put("n", n);
  }

  @Test
  void writersOfOneGroupShareOneFsync() throws Exception {
    try (FileStorage store = open()) {
      store.set(G, "first", IntNode.valueOf(0));
      long forces = store.wal().forces();
      ForceGate gate = ForceGate.hold(store);
      long appended = store.wal().appended();
      Future<?> held = pool.submit(() -> store.set(G, "held", IntNode.valueOf(1)));
      gate.awaitHeld();
      List<Future<Object>> writers =
          start(WRITERS, i -> () -> store.set(G, "i" + i, IntNode.valueOf(i)));
      // every writer of the group appends while the first one's fsync is still running
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> store.wal().appended() == appended + 1 + WRITERS);
      gate.release();
      get(held);
      for (Future<Object> w : writers) {
        get(w);
      }
      assertThat(store.wal().forces() - forces)
          .as("fsyncs for %d writes of one group", WRITERS + 1)
          .isLessThanOrEqualTo(2);
      assertThat(store.snapshot(G).seq()).isEqualTo(WRITERS + 2);
    }
  }

  @Test
  void aReadNeverSeesAWriteBeforeItIsDurable() throws Exception {
    RecordingSink sink = new RecordingSink();
    try (FileStorage store = open()) {
      store.start(sink);
      store.set(G, "i", IntNode.valueOf(1));
      ForceGate gate = ForceGate.hold(store);
      Future<?> writer = pool.submit(() -> store.set(G, "i", IntNode.valueOf(2)));
      gate.awaitHeld();
      // the record is appended (and being forced); nothing of it is visible yet
      assertThat(pool.submit(() -> store.get(G, "i")).get(5, TimeUnit.SECONDS))
          .isEqualTo(IntNode.valueOf(1));
      assertThat(store.list(G)).containsExactly(IntNode.valueOf(1));
      assertThat(store.snapshot(G).seq()).isEqualTo(1);
      assertThat(store.eventsSince(G, 1)).hasValue(List.of());
      assertThat(sink.committedSeqs()).containsExactly(1L);
      assertThat(sink.deliveredSeqs(G)).containsExactly(1L);
      assertThat(writer).isNotDone();
      gate.release();
      get(writer);
      assertThat(store.get(G, "i")).isEqualTo(IntNode.valueOf(2));
      assertThat(sink.committedSeqs()).containsExactly(1L, 2L);
      assertThat(sink.deliveredSeqs(G)).containsExactly(1L, 2L);
    }
  }

  @Test
  void aFailedBatchFailsTheLaterPendingWritesOfTheGroupAndNothingOfThemAppears() throws Exception {
    RecordingSink sink = new RecordingSink();
    try (FileStorage store = open()) {
      store.start(sink);
      store.set(G, "i", counter(1));
      store.send(G, null, KvSendTest.PING); // the seq reservation is durable: sends need no record
      long appended = store.wal().appended();
      ForceGate gate = ForceGate.holdThenFail(store);
      Future<?> first = pool.submit(() -> store.set(G, "i", counter(10)));
      gate.awaitHeld();
      // queued behind the held batch: an update reading the pending value, a send, a delete
      Future<?> update =
          pool.submit(() -> store.update(G, "i", v -> counter(v.get("n").asInt() + 1)));
      await().atMost(Duration.ofSeconds(10)).until(() -> store.wal().appended() == appended + 2);
      AtomicReference<Thread> sender = new AtomicReference<>();
      Future<?> send =
          pool.submit(
              () -> {
                sender.set(Thread.currentThread());
                return store.send(G, null, KvSendTest.PING);
              });
      // the send has no record: it waits on the group's monitor for its turn
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sender.get() != null && sender.get().getState() == Thread.State.WAITING);
      Future<?> delete = pool.submit(() -> store.delete(G, "i"));
      await().atMost(Duration.ofSeconds(10)).until(() -> store.wal().appended() == appended + 3);
      gate.release();
      assertFails(first, "STREAM_SET_ERROR");
      assertFails(update, "STREAM_UPDATE_ERROR");
      assertFails(send, "STREAM_SEND_ERROR");
      assertFails(delete, "STREAM_DELETE_ERROR");
      assertThat(store.get(G, "i")).isEqualTo(counter(1));
      assertThat(store.snapshot(G).seq()).isEqualTo(2);
      assertThat(sink.committedSeqs()).containsExactly(1L, 2L);
      // the log repairs itself; the next write follows the last applied one
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptionsInstanceOf(StreamException.class)
          .until(() -> store.update(G, "i", v -> counter(v.get("n").asInt() + 100)).seq() == 3);
      assertThat(sink.committedSeqs()).containsExactly(1L, 2L, 3L);
    }
    try (StorageAdapter store = open()) {
      assertThat(store.get(G, "i")).isEqualTo(counter(101));
      assertThat(store.snapshot(G).seq()).isEqualTo(3);
    }
  }

  private static void assertFails(Future<?> write, String code) {
    assertThatThrownBy(() -> get(write))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(code);
  }

  @Test
  void anUpdateChainFromManyThreadsOnOneItemLosesNoIncrement() throws Exception {
    int perWriter = 50;
    FileStorage store = open();
    long forces = store.wal().forces();
    try (StreamEngine engine = StreamEngine.builder().storage(store).build()) {
      fromEachWriter(
          perWriter,
          (i, k) -> engine.update("s", "g", "n", List.of(UpdateOp.increment("count", 3))));
      assertThat(engine.get("s", "g", "n").get("count").asLong())
          .isEqualTo(3L * WRITERS * perWriter);
      assertThat(store.wal().forces() - forces)
          .as("fsyncs for %d updates of one item", WRITERS * perWriter)
          .isLessThan(WRITERS * perWriter / 2);
    }
    try (StorageAdapter reopened = open()) {
      assertThat(reopened.get(G, "n").get("count").asLong()).isEqualTo(3L * WRITERS * perWriter);
      assertThat(reopened.snapshot(G).seq()).isEqualTo((long) WRITERS * perWriter);
    }
  }

  @Test
  void theSinkAndListenersSeeOneGroupsChangesInSeqOrderWithManyWriters() throws Exception {
    int perWriter = 40;
    long total = (long) WRITERS * perWriter;
    List<Long> heard = new CopyOnWriteArrayList<>();
    StreamListener listener =
        new StreamListener() {
          @Override
          public void onEvent(StreamEvent event) {
            heard.add(event.seq());
          }
        };
    FileStorage first = open();
    long forces = first.wal().forces();
    try (StreamEngine engine = StreamEngine.builder().storage(first).build()) {
      engine.subscribe("s", "g", null, 0L, listener);
      fromEachWriter(perWriter, (i, k) -> engine.set("s", "g", "i" + i, IntNode.valueOf(k)));
      await().atMost(Duration.ofSeconds(20)).until(() -> heard.size() == total);
      assertThat(heard)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
      assertThat(first.wal().forces() - forces)
          .as("fsyncs for %d writes of one group", total)
          .isLessThan(total / 2);
    }
    RecordingSink sink = new RecordingSink();
    try (FileStorage store = open()) {
      store.start(sink);
      for (Future<Object> w : start(WRITERS, i -> () -> writeSome(store, i, perWriter))) {
        get(w);
      }
      assertThat(sink.committedSeqs())
          .containsExactlyElementsOf(LongStream.rangeClosed(total + 1, 2 * total).boxed().toList());
      assertThat(sink.deliveredSeqs(G)).isEqualTo(sink.committedSeqs());
    }
  }

  /** Runs {@code write(writer, k)} for k = 0 … perWriter - 1 on each of the writers at once. */
  private void fromEachWriter(int perWriter, BiConsumer<Integer, Integer> write) throws Exception {
    List<Future<Object>> writers =
        start(
            WRITERS,
            i ->
                () -> {
                  for (int k = 0; k < perWriter; k++) {
                    write.accept(i, k);
                  }
                  return null;
                });
    for (Future<Object> w : writers) {
      get(w);
    }
  }

  private static Object writeSome(StorageAdapter store, int writer, int n) {
    for (int k = 0; k < n; k++) {
      if (k % 3 == 2) {
        store.delete(G, "i" + writer);
      } else {
        store.set(G, "i" + writer, IntNode.valueOf(k));
      }
    }
    return null;
  }
}
