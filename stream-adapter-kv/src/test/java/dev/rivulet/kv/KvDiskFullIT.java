package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.StreamException;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.StorageAdapter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real full disk: a 2 MiB tmpfs filled up with a filler file. Writes fail with a clear error,
 * nothing acknowledged is lost and nothing that failed comes back, and once the filler is deleted
 * the store writes (and compacts) again without a restart (regression: the log stayed poisoned with
 * "the log failed earlier" until the store was reopened). Needs {@code mount -t tmpfs} (root with
 * CAP_SYS_ADMIN); skipped with a message where that is not permitted.
 */
class KvDiskFullIT {
  private static final GroupKey G = new GroupKey("s", "g");
  private static final String PAD = "x".repeat(500);

  private static Path mount;
  private static boolean mounted;

  private Path dir;
  private Path filler;

  @BeforeAll
  static void mountSmallTmpfs() throws Exception {
    mount = Files.createTempDirectory("rivulet-diskfull");
    int rc;
    try {
      rc = KvFiles.run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
    } catch (IOException e) {
      rc = -1;
    }
    Assumptions.assumeTrue(
        rc == 0,
        "mounting a 2 MiB tmpfs on "
            + mount
            + " is not permitted here (needs root with CAP_SYS_ADMIN): disk-full tests skipped");
    mounted = true;
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mounted) {
      assertThat(KvFiles.run("umount", mount.toString())).as("umount " + mount).isZero();
    }
    Files.deleteIfExists(mount);
  }

  @BeforeEach
  void paths() {
    dir = mount.resolve("db");
    filler = mount.resolve("filler");
  }

  @AfterEach
  void clean() throws Exception {
    Files.deleteIfExists(filler);
    if (Files.isDirectory(dir)) {
      for (String name : KvFiles.fileNames(dir)) {
        Files.delete(dir.resolve(name));
      }
      Files.delete(dir);
    }
  }

  private static JsonNode value(int i) {
    ObjectNode v = JsonNodeFactory.instance.objectNode();
    return v.put("i", i).put("pad", PAD);
  }

  /** Writes a filler file until the file system is full. */
  private void fillTheDisk() throws IOException {
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException expected) {
      assertThat(expected).hasMessageContaining("No space left on device");
    }
  }

  /** Writes item {@code i % 20} = value(i); records it when acknowledged. */
  private boolean trySet(StorageAdapter store, int i, Map<String, JsonNode> acked) {
    try {
      store.set(G, "i" + (i % 20), value(i));
      acked.put("i" + (i % 20), value(i));
      return true;
    } catch (StreamException e) {
      assertThat(e.code()).isEqualTo("STREAM_SET_ERROR");
      assertThat(e).hasMessageContaining(dir.toString()).hasMessageContaining("No space left");
      return false;
    }
  }

  private static void assertHolds(StorageAdapter store, Map<String, JsonNode> acked, long seq) {
    assertThat(store.snapshot(G).seq()).isEqualTo(seq);
    for (var e : acked.entrySet()) {
      assertThat(store.get(G, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void fullDiskFailsWritesClearlyLosesNothingAckedAndRecoversOnceSpaceIsFreed() throws Exception {
    Map<String, JsonNode> acked = new LinkedHashMap<>();
    long ackedCount = 0;
    int i = 0;
    try (StorageAdapter store =
        KvAdapter.fileBased(dir).segmentSize(64 * 1024).fsync(KvAdapter.Fsync.ALWAYS).build()) {
      for (; i < 50; i++) {
        assertThat(trySet(store, i, acked)).isTrue();
        ackedCount++;
      }
      fillTheDisk();
      // the segment's last page still takes a few records; then the disk is full
      while (trySet(store, i++, acked)) {
        ackedCount++;
        assertThat(i).as("writes never failed on a full disk").isLessThan(10_000);
      }
      for (int k = 0; k < 5; k++) {
        assertThat(trySet(store, i++, acked)).as("still full").isFalse();
      }
      assertHolds(store, acked, ackedCount);

      Files.delete(filler);
      int first = i;
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .ignoreExceptionsInstanceOf(StreamException.class)
          .until(() -> trySet(store, first, acked));
      ackedCount++;
      i++;
      for (int k = 0; k < 100; k++, i++) {
        assertThat(trySet(store, i, acked)).as("write %d after space was freed", i).isTrue();
        ackedCount++;
      }
      assertHolds(store, acked, ackedCount);
    }
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      assertHolds(store, acked, ackedCount);
    }
  }

  @Test
  void writesThatFailedOnAFullDiskNeverReappearAfterAReopen() throws Exception {
    Map<String, JsonNode> acked = new LinkedHashMap<>();
    long ackedCount = 0;
    try (StorageAdapter store = KvAdapter.fileBased(dir).fsync(KvAdapter.Fsync.BATCH).build()) {
      fillTheDisk();
      int failures = 0;
      for (int i = 0; failures < 20; i++) {
        if (trySet(store, i, acked)) {
          ackedCount++;
        } else {
          failures++;
        }
        assertThat(i).as("writes never failed on a full disk").isLessThan(10_000);
      }
      assertHolds(store, acked, ackedCount);
      Files.delete(filler); // so that the reopen can create its new segment
    }
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      assertHolds(store, acked, ackedCount);
    }
  }

  /** What one writer thread had acknowledged. */
  private record Acked(GroupKey group, Map<String, JsonNode> items, long[] count) {}

  @Test
  void concurrentWritersOnAFullDiskEachGetTheErrorAndNoFailedRecordSurvives() throws Exception {
    int threads = 4;
    List<Acked> all = new ArrayList<>();
    try (StorageAdapter store = KvAdapter.fileBased(dir).fsync(KvAdapter.Fsync.ALWAYS).build()) {
      fillTheDisk();
      List<Thread> writers = new ArrayList<>();
      List<Throwable> problems = new CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        Acked acked = new Acked(new GroupKey("s", "t" + t), new LinkedHashMap<>(), new long[1]);
        all.add(acked);
        Thread w =
            new Thread(
                () -> {
                  try {
                    int failures = 0;
                    for (int k = 0; failures < 10; k++) {
                      assertThat(k).as("writes never failed on a full disk").isLessThan(10_000);
                      try {
                        store.set(acked.group(), "i" + (k % 5), value(k));
                        acked.items().put("i" + (k % 5), value(k));
                        acked.count()[0]++;
                      } catch (StreamException e) {
                        assertThat(e.code()).isEqualTo("STREAM_SET_ERROR");
                        assertThat(e).hasMessageContaining("No space left");
                        failures++;
                      }
                    }
                  } catch (Throwable e) {
                    problems.add(e);
                  }
                },
                "disk-full-writer-" + t);
        w.start();
        writers.add(w);
      }
      for (Thread w : writers) {
        w.join();
      }
      assertThat(problems).isEmpty();
      Files.delete(filler);
      for (Acked a : all) {
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(20))
            .ignoreExceptionsInstanceOf(StreamException.class)
            .until(
                () -> {
                  store.set(a.group(), "after", value(-1));
                  return true;
                });
        a.items().put("after", value(-1));
        a.count()[0]++;
      }
    }
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      for (Acked a : all) {
        assertThat(store.snapshot(a.group()).seq()).as("%s", a.group()).isEqualTo(a.count()[0]);
        for (var e : a.items().entrySet()) {
          assertThat(store.get(a.group(), e.getKey())).isEqualTo(e.getValue());
        }
      }
    }
  }

  @Test
  void compactionFailingOnAFullDiskIsRetriedAfterABackoff() throws Exception {
    Map<String, JsonNode> acked = new LinkedHashMap<>();
    try (StorageAdapter store = KvAdapter.fileBased(dir).fsync(KvAdapter.Fsync.OFF).build()) {
      FileStorage file = (FileStorage) store;
      for (int i = 0; i < 200; i++) {
        assertThat(trySet(store, i, acked)).isTrue();
      }
      fillTheDisk();
      assertThatThrownBy(file::compactNow)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("No space left");
      assertThat(KvFiles.fileNames(dir)).noneMatch(n -> n.endsWith(".tmp"));
      file.compactor().hint();
      await().atMost(Duration.ofSeconds(30)).until(() -> file.compactor().failures() >= 1);
      assertThat(file.compactor().compactions()).isZero();
      Files.delete(filler);
      await().atMost(Duration.ofSeconds(30)).until(() -> file.compactor().compactions() >= 1);
      assertThat(trySet(store, 1000, acked)).isTrue();
    }
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      assertHolds(store, acked, 201);
    }
  }
}
