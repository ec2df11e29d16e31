package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.StorageAdapter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvCompactionTest {
  @TempDir Path tmp;

  @Test
  void backgroundCompactionKeepsTheLogSmallAndTheStateIntactAndReportsItsPauses() throws Exception {
    Path dir = tmp.resolve("db");
    int threads = 4;
    int perThread = 1500;
    Map<GroupKey, GroupSnapshot> before = new HashMap<>();
    AtomicLong longestWrite = new AtomicLong();
    try (StorageAdapter store =
        KvAdapter.fileBased(dir)
            .compactionThreshold(16 * 1024)
            .segmentSize(8 * 1024)
            .fsync(KvAdapter.Fsync.BATCH)
            .build()) {
      FileStorage file = (FileStorage) store;
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        GroupKey g = new GroupKey("s", "g" + t);
        Thread w =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    long start = System.nanoTime();
                    store.set(g, "i" + (i % 50), IntNode.valueOf(i));
                    longestWrite.accumulateAndGet(System.nanoTime() - start, Math::max);
                  }
                });
        w.start();
        writers.add(w);
      }
      for (Thread w : writers) {
        w.join();
      }
      Awaitility.await()
          .atMost(30, TimeUnit.SECONDS)
          .until(() -> file.compactor().compactions() >= 3);
      for (int t = 0; t < threads; t++) {
        GroupKey g = new GroupKey("s", "g" + t);
        before.put(g, store.snapshot(g));
      }
      System.out.printf(
          "kv compaction: %d compactions; longest log switch %.2f ms; longest group copy %.3f ms;"
              + " longest write %.2f ms%n",
          file.compactor().compactions(),
          file.wal().maxRollNanos() / 1e6,
          file.compactor().maxGroupCopyNanos() / 1e6,
          longestWrite.get() / 1e6);
    }
    assertThat(KvFiles.segments(dir).size()).isLessThan(threads * perThread * 30 / (8 * 1024));
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      for (var e : before.entrySet()) {
        assertThat(store.snapshot(e.getKey())).isEqualTo(e.getValue());
      }
    }
  }
}
