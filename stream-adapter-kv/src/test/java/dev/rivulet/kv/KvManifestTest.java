package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamException;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.StorageAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kv directory's MANIFEST: a snapshot or log segment the store needs that has gone missing is
 * noticed on open (regression: such a directory used to open silently without the lost changes).
 */
class KvManifestTest {
  private static final GroupKey G = new GroupKey("s", "g");

  @TempDir Path tmp;

  private static StorageAdapter open(Path dir) {
    return KvAdapter.fileBased(dir).segmentSize(4096).fsync(KvAdapter.Fsync.OFF).build();
  }

  /** Writes {@code n} sets (about 60 bytes each) starting at value {@code from}. */
  private static void write(StorageAdapter store, int from, int n) {
    for (int i = from; i < from + n; i++) {
      store.set(G, "i" + (i % 10), IntNode.valueOf(i));
    }
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path dir) {
    return assertThatThrownBy(() -> open(dir))
        .isInstanceOf(StreamException.class)
        .satisfies(
            e -> assertThat(((StreamException) e).code()).isEqualTo(KvAdapter.STORAGE_OPEN_ERROR));
  }

  @Test
  void deletedSnapshotRefusesToOpenNamingTheFile() throws Exception {
    Path dir = tmp.resolve("db");
    long segment;
    try (StorageAdapter store = open(dir)) {
      write(store, 0, 100);
      segment = ((FileStorage) store).compactNow();
      write(store, 100, 5);
    }
    Path snapshot = Layout.snapshot(dir, segment);
    Files.delete(snapshot);
    List<String> before = KvFiles.fileNames(dir);
    assertRefused(dir)
        .hasMessageContaining(snapshot.toString())
        .hasMessageContaining("missing")
        .hasMessageContaining(Layout.MANIFEST);
    assertThat(KvFiles.fileNames(dir)).as("a refused open changes nothing").isEqualTo(before);
  }

  @Test
  void deletedOldestSegmentRefusesToOpenNamingTheFile() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      write(store, 0, 300);
    }
    List<Path> segments = KvFiles.segments(dir);
    assertThat(segments).hasSizeGreaterThan(2);
    Files.delete(segments.get(0));
    assertRefused(dir)
        .hasMessageContaining(segments.get(0).toString())
        .hasMessageContaining("missing");
  }

  @Test
  void aGapInTheSegmentsRefusesToOpenNamingTheMissingFile() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      write(store, 0, 300);
    }
    List<Path> segments = KvFiles.segments(dir);
    assertThat(segments).hasSizeGreaterThan(2);
    Files.delete(segments.get(1));
    assertRefused(dir)
        .hasMessageContaining(segments.get(1).toString())
        .hasMessageContaining("missing");
  }

  @Test
  void deletedNewestSegmentRefusesToOpen() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      write(store, 0, 300);
    }
    List<Path> segments = KvFiles.segments(dir);
    Path newest = segments.get(segments.size() - 1);
    Files.delete(newest);
    assertRefused(dir).hasMessageContaining(newest.toString());
  }

  @Test
  void aCorruptManifestRefusesToOpenAndTheRepairOptionRebuildsIt() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      write(store, 0, 50);
    }
    Path manifest = Layout.manifest(dir);
    KvFiles.flipByte(manifest, Files.size(manifest) - 3);
    assertRefused(dir).hasMessageContaining(manifest.toString()).hasMessageContaining("corrupt");
    Files.write(manifest, new byte[0]);
    assertRefused(dir).hasMessageContaining(manifest.toString()).hasMessageContaining("corrupt");
    try (StorageAdapter store = KvAdapter.fileBased(dir).skipCorruptRecords(true).build()) {
      assertThat(store.snapshot(G).seq()).isEqualTo(50);
    }
    try (StorageAdapter store = open(dir)) {
      assertThat(store.snapshot(G).seq()).isEqualTo(50);
    }
  }

  @Test
  void aDirectoryWithoutAManifestIsAdoptedAndProtectedFromThenOn() throws Exception {
    Path dir = tmp.resolve("db");
    GroupSnapshot before;
    try (StorageAdapter store = open(dir)) {
      write(store, 0, 200);
      ((FileStorage) store).compactNow();
      write(store, 200, 200);
      before = store.snapshot(G);
    }
    Files.delete(Layout.manifest(dir)); // what version 0.1 left: no manifest
    try (StorageAdapter store = open(dir)) {
      assertThat(store.snapshot(G)).isEqualTo(before);
    }
    assertThat(Layout.manifest(dir)).exists();
    List<Path> segments = KvFiles.segments(dir);
    Files.delete(segments.get(0));
    assertRefused(dir).hasMessageContaining(segments.get(0).toString());
  }

  @Test
  void aGapInAnAdoptedDirectoryRefusesToOpen() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      write(store, 0, 300);
    }
    Files.delete(Layout.manifest(dir));
    List<Path> segments = KvFiles.segments(dir);
    Files.delete(segments.get(1));
    assertRefused(dir).hasMessageContaining(segments.get(1).toString()).hasMessageContaining("gap");
  }

  @Test
  void restartsAndCompactionsKeepTheManifestInStep() throws Exception {
    Path dir = tmp.resolve("db");
    GroupSnapshot before = null;
    for (int round = 0; round < 4; round++) {
      try (StorageAdapter store = open(dir)) {
        if (before != null) {
          assertThat(store.snapshot(G)).as("round %d", round).isEqualTo(before);
        }
        write(store, round * 100, 100);
        if (round % 2 == 1) {
          ((FileStorage) store).compactNow();
          write(store, round * 100 + 100, 3);
        }
        before = store.snapshot(G);
      }
      Manifest.State listed = Manifest.read(dir).orElseThrow();
      List<Path> segments = KvFiles.segments(dir);
      assertThat(segments)
          .as("round %d: exactly the listed segments exist (%s)", round, listed)
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(listed.firstSegment(), listed.lastSegment())
                  .mapToObj(n -> Layout.segment(dir, n))
                  .toList());
    }
    try (StorageAdapter store = open(dir)) {
      assertThat(store.snapshot(G)).isEqualTo(before);
    }
  }

  @Test
  void anEmptySegmentLeftByAnInterruptedRollIsDroppedButOneWithDataRefuses() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      write(store, 0, 20);
    }
    long next = Manifest.read(dir).orElseThrow().nextSegment();
    Path unlisted = Files.createFile(Layout.segment(dir, next));
    try (StorageAdapter store = open(dir)) {
      assertThat(store.snapshot(G).seq()).isEqualTo(20);
    }
    long later = Manifest.read(dir).orElseThrow().nextSegment();
    Path stray = Layout.segment(dir, later);
    Files.copy(KvFiles.lastNonEmptySegment(dir), stray);
    assertRefused(dir).hasMessageContaining(stray.toString()).hasMessageContaining("not listed");
    assertThat(unlisted).exists(); // the first one was reused by that open: it is listed now
  }
}
