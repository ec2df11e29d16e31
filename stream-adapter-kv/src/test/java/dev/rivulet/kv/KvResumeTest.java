package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.Snapshot;
import dev.rivulet.StreamEngine;
import dev.rivulet.StreamEvent;
import dev.rivulet.StreamListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subscribers resuming with {@code since} on the file store: replay while held, else a sync. */
class KvResumeTest {
  @TempDir Path dir;

  /** Records how a subscription started and which seqs it saw. */
  private static final class Recorder implements StreamListener {
    final List<Long> seqs = new ArrayList<>();
    Long resumedFrom;
    Snapshot snapshot;

    @Override
    public synchronized void onSnapshot(Snapshot s, boolean resync) {
      snapshot = s;
    }

    @Override
    public synchronized void onResumed(long since) {
      resumedFrom = since;
    }

    @Override
    public synchronized void onEvent(StreamEvent event) {
      seqs.add(event.seq());
    }

    synchronized int count() {
      return seqs.size() + (snapshot == null ? 0 : 1);
    }
  }

  @Test
  void resumeReplaysFromHistoryAndFallsBackToSyncAfterARestart() {
    try (StreamEngine engine =
        StreamEngine.builder()
            .storage(KvAdapter.fileBased(dir).fsync(KvAdapter.Fsync.OFF).build())
            .build()) {
      for (int i = 0; i < 8; i++) {
        engine.set("s", "g", "i", IntNode.valueOf(i));
      }
      Recorder resumed = new Recorder();
      engine.subscribe("s", "g", null, 5L, resumed);
      await().atMost(Duration.ofSeconds(10)).until(() -> resumed.count() == 3);
      synchronized (resumed) {
        assertThat(resumed.resumedFrom).isEqualTo(5L);
        assertThat(resumed.snapshot).isNull();
        assertThat(resumed.seqs).containsExactly(6L, 7L, 8L);
      }
    }
    try (StreamEngine engine =
        StreamEngine.builder()
            .storage(KvAdapter.fileBased(dir).fsync(KvAdapter.Fsync.OFF).build())
            .build()) {
      Recorder afterRestart = new Recorder();
      engine.subscribe("s", "g", null, 5L, afterRestart);
      engine.set("s", "g", "i", IntNode.valueOf(9));
      await().atMost(Duration.ofSeconds(10)).until(() -> afterRestart.count() == 2);
      synchronized (afterRestart) {
        assertThat(afterRestart.resumedFrom).isNull();
        assertThat(afterRestart.snapshot.seq()).isEqualTo(8L);
        assertThat(afterRestart.seqs).containsExactly(9L);
      }
    }
  }
}
