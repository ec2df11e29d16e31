package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.rivulet.spi.Change;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Notice;
import dev.rivulet.testkit.RecordingSink;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stream::send} on the file store writes nothing on its path (only a RESERVE seq mark, once
 * per {@link SeqReserve#BLOCK} seqs, that it does not wait for) and still never reuses a seq: after
 * a clean restart, a kill -9 and a compaction, the next send's seq is above every seq sent before.
 */
class KvSendTest {
  static final GroupKey G = new GroupKey("s", "sends");
  static final Notice PING = new Notice(Event.Kind.EVENT, "ping", NullNode.getInstance());

  @TempDir Path tmp;

  private FileStorage open(Path dir) {
    return (FileStorage) KvAdapter.fileBased(dir).build();
  }

  @Test
  void aSendDoesNotWaitForAnFsync() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    RecordingSink sink = new RecordingSink();
    try (FileStorage store = open(tmp.resolve("db"))) {
      store.start(sink);
      store.send(G, null, PING); // the group's first send waits once for its reservation
      long appended = store.wal().appended();
      ForceGate gate = ForceGate.hold(store);
      Future<?> write =
          pool.submit(() -> store.set(new GroupKey("s", "other"), "i", IntNode.valueOf(1)));
      gate.awaitHeld(); // the I/O thread is stuck in an fsync
      Change sent = pool.submit(() -> store.send(G, "item", PING)).get(5, TimeUnit.SECONDS);
      assertThat(sent.seq()).isEqualTo(2);
      assertThat(sink.deliveredSeqs(G)).containsExactly(1L, 2L);
      assertThat(store.wal().appended()).as("records appended by the send").isEqualTo(appended + 1);
      gate.release();
      write.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sendsKeepRisingSeqsAcrossACleanRestartWithoutAJump() throws Exception {
    Path dir = tmp.resolve("db");
    try (FileStorage store = open(dir)) {
      for (int i = 1; i <= 5; i++) {
        assertThat(store.send(G, null, PING).seq()).isEqualTo(i);
      }
    }
    try (FileStorage store = open(dir)) {
      assertThat(store.send(G, null, PING).seq()).isEqualTo(6);
      store.compactNow();
    }
    try (FileStorage store = open(dir)) {
      assertThat(store.send(G, null, PING).seq()).isEqualTo(7);
    }
  }

  @Test
  void sendsKeepRisingSeqsAfterAKill() throws Exception {
    assertNextSendIsAboveEverySeqSentByAKilledChild(false);
  }

  @Test
  void sendsKeepRisingSeqsAfterACompactionAndAKill() throws Exception {
    assertNextSendIsAboveEverySeqSentByAKilledChild(true);
  }

  /**
   * A child sends 10, compacts (the log holding the group's RESERVE record goes away), sends 20
   * more (covered by the reservation: no record) and is killed.
   */
  private void assertNextSendIsAboveEverySeqSentByAKilledChild(boolean compact) throws Exception {
    Path dir = tmp.resolve("db");
    List<String> lines;
    try (ChildJvm child =
        new ChildJvm(
            tmp.resolve("child.err"),
            KvSendWriter.class,
            dir.toString(),
            "10",
            String.valueOf(compact),
            "20")) {
      child.await("DONE", 60_000);
      lines = child.kill();
    }
    long maxSent =
        lines.stream()
            .filter(l -> l.startsWith("SENT "))
            .mapToLong(l -> Long.parseLong(l.substring(5)))
            .max()
            .orElseThrow();
    assertThat(maxSent).isEqualTo(30);
    try (FileStorage store = open(dir)) {
      assertThat(store.snapshot(G).seq()).isGreaterThanOrEqualTo(maxSent);
      assertThat(store.send(G, null, PING).seq()).isGreaterThan(maxSent);
    }
  }
}
