package dev.rivulet.kv;

import static dev.rivulet.kv.KvFiles.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.rivulet.StreamException;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.GroupSnapshot;
import dev.rivulet.spi.Notice;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.RecordingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvRecoveryTest {
  private static final Notice PING = new Notice(Event.Kind.EVENT, "ping", NullNode.getInstance());
  private static final GroupKey G = new GroupKey("s", "g");

  @TempDir Path tmp;

  private static StorageAdapter open(Path dir) {
    return KvAdapter.fileBased(dir).build();
  }

  private static List<GroupSnapshot> state(StorageAdapter store, List<GroupKey> groups) {
    List<GroupSnapshot> all = new ArrayList<>();
    for (GroupKey g : groups) {
      all.add(store.snapshot(g));
    }
    return all;
  }

  /** Writes a mix of changes to several groups (one emptied) and returns the groups. */
  private static List<GroupKey> writeMix(StorageAdapter store) {
    GroupKey a = new GroupKey("orders", "a/b:c");
    GroupKey b = new GroupKey("orders", "ü ../x");
    GroupKey emptied = new GroupKey("tmp", "gone");
    for (String id : List.of("c", "a", "b", "d")) {
      store.set(a, id, json("{\"id\":\"" + id + "\",\"n\":123456789012345678901234567890}"));
    }
    store.update(a, "a", v -> json("{\"z\":1,\"a\":[],\"m\":{}}"));
    store.delete(a, "c");
    store.set(a, "c", json("null"));
    store.send(a, null, PING);
    store.set(b, "only", IntNode.valueOf(7));
    store.set(emptied, "x", IntNode.valueOf(1));
    store.send(emptied, "x", PING);
    store.delete(emptied, "x");
    return List.of(a, b, emptied);
  }

  @Test
  void reopenRestoresItemsListOrderSeqAndTimestamps() {
    Path dir = tmp.resolve("db");
    List<GroupKey> groups;
    List<GroupSnapshot> before;
    Map<String, List<String>> listed;
    try (StorageAdapter store = open(dir)) {
      groups = writeMix(store);
      before = state(store, groups);
      listed = store.listAll();
    }
    try (StorageAdapter store = open(dir)) {
      assertThat(state(store, groups)).isEqualTo(before);
      assertThat(store.snapshot(groups.get(0)).items())
          .extracting(GroupSnapshot.Item::id)
          .containsExactly("a", "b", "d", "c");
      assertThat(store.listAll()).isEqualTo(listed).doesNotContainKey("tmp");
      assertThat(store.snapshot(groups.get(2)).seq()).isEqualTo(3);
      var next = store.set(groups.get(2), "x", IntNode.valueOf(2));
      assertThat(next.seq()).isEqualTo(4);
      assertThat(next.timestamp()).isGreaterThan(before.get(2).timestamp());
    }
  }

  @Test
  void reopenAfterCompactionRestoresEverythingAndDropsOldSegments() throws Exception {
    Path dir = tmp.resolve("db");
    List<GroupKey> groups;
    List<GroupSnapshot> before;
    try (StorageAdapter store = open(dir)) {
      groups = writeMix(store);
      long segment = ((FileStorage) store).compactNow();
      store.set(groups.get(1), "after", json("[1,2]"));
      store.delete(groups.get(0), "a");
      before = state(store, groups);
      assertThat(KvFiles.fileNames(dir))
          .contains(Layout.snapshot(dir, segment).getFileName().toString())
          .doesNotContain(Layout.segment(dir, segment - 1).getFileName().toString());
    }
    try (StorageAdapter store = open(dir)) {
      assertThat(state(store, groups)).isEqualTo(before);
      assertThat(store.snapshot(groups.get(2)).seq()).isEqualTo(3);
    }
  }

  @Test
  void snapshotTakenWhileWritersRunReplaysToTheSameState() throws Exception {
    Path dir = tmp.resolve("db");
    Map<GroupKey, GroupSnapshot> before = new LinkedHashMap<>();
    try (StorageAdapter store = KvAdapter.fileBased(dir).compactionThreshold(1024).build()) {
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; i < 400; i++) {
                  GroupKey g = new GroupKey("s", "g" + (i % 4));
                  if (i % 7 == 3) {
                    store.delete(g, "i" + (i % 5));
                  } else {
                    store.set(g, "i" + (i % 5), IntNode.valueOf(i));
                  }
                }
              });
      writer.start();
      for (int k = 0; k < 5; k++) {
        ((FileStorage) store).compactNow();
      }
      writer.join();
      for (int i = 0; i < 4; i++) {
        GroupKey g = new GroupKey("s", "g" + i);
        before.put(g, store.snapshot(g));
      }
      assertThat(((FileStorage) store).compactor().compactions()).isGreaterThanOrEqualTo(5);
    }
    try (StorageAdapter store = open(dir)) {
      for (var e : before.entrySet()) {
        assertThat(store.snapshot(e.getKey())).isEqualTo(e.getValue());
      }
    }
  }

  /** 30 sets of one group; value i to item i % 5. */
  private static Path writeThirty(Path dir) {
    try (StorageAdapter store = open(dir)) {
      for (int i = 1; i <= 30; i++) {
        store.set(G, "i" + (i % 5), IntNode.valueOf(i));
      }
    }
    return dir;
  }

  private static void assertHoldsFirst(StorageAdapter store, int k) {
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    for (int i = 1; i <= k; i++) {
      expected.put("i" + (i % 5), IntNode.valueOf(i));
    }
    GroupSnapshot snap = store.snapshot(G);
    assertThat(snap.seq()).isEqualTo(k);
    Map<String, JsonNode> actual = new LinkedHashMap<>();
    snap.items().forEach(item -> actual.put(item.id(), item.value()));
    assertThat(actual).containsExactlyEntriesOf(expected);
  }

  @Test
  void tornTailAtRandomOffsetsIsCutAndAPrefixRecovered() throws Exception {
    Path original = writeThirty(tmp.resolve("orig"));
    Path segment = KvFiles.lastNonEmptySegment(original);
    List<Integer> starts = KvFiles.recordStarts(segment);
    assertThat(starts).hasSize(31);
    Random random = new Random(42);
    List<Integer> cuts = new ArrayList<>(List.of(0, 1, starts.get(30) - 1, starts.get(29) + 12));
    for (int i = 0; i < 40; i++) {
      cuts.add(random.nextInt(starts.get(30)));
    }
    for (int round = 0; round < cuts.size(); round++) {
      int cut = cuts.get(round);
      Path copy = tmp.resolve("cut" + round);
      KvFiles.copyDir(original, copy);
      Path seg = copy.resolve(segment.getFileName());
      try (var ch =
          java.nio.channels.FileChannel.open(seg, java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
      int complete = (int) starts.stream().filter(s -> s > 0 && s <= cut).count();
      try (StorageAdapter store = open(copy)) {
        assertHoldsFirst(store, complete);
        assertThat(Files.size(seg)).as("cut at %d", cut).isEqualTo((long) starts.get(complete));
        store.set(G, "new", IntNode.valueOf(-1));
      }
      try (StorageAdapter store = open(copy)) {
        assertThat(store.snapshot(G).seq()).isEqualTo(complete + 1);
      }
    }
  }

  @Test
  void flippedByteMidLogRefusesToOpenNamingFileAndOffset() throws Exception {
    Path dir = writeThirty(tmp.resolve("db"));
    Path segment = KvFiles.lastNonEmptySegment(dir);
    int bad = KvFiles.recordStarts(segment).get(10);
    long size = Files.size(segment);
    KvFiles.flipByte(segment, bad + Records.HEADER + 3);
    assertThatThrownBy(() -> open(dir))
        .isInstanceOf(StreamException.class)
        .hasMessageContaining(segment.toString())
        .hasMessageContaining("byte offset " + bad)
        .hasMessageContaining("skipCorruptRecords")
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(KvAdapter.STORAGE_OPEN_ERROR);
    // refused means untouched: the file keeps its size
    assertThat(Files.size(segment)).isEqualTo(size);
  }

  @Test
  void flippedByteInTheLastRecordIsCutLikeATornTail() throws Exception {
    Path dir = writeThirty(tmp.resolve("db"));
    Path segment = KvFiles.lastNonEmptySegment(dir);
    List<Integer> starts = KvFiles.recordStarts(segment);
    KvFiles.flipByte(segment, starts.get(29) + Records.HEADER + 5);
    try (StorageAdapter store = open(dir)) {
      assertHoldsFirst(store, 29);
    }
    assertThat(Files.size(segment)).isEqualTo((long) starts.get(29));
  }

  @Test
  void skipCorruptRecordsOpensAndLosesOnlyTheBadRecord() throws Exception {
    Path dir = writeThirty(tmp.resolve("db"));
    Path segment = KvFiles.lastNonEmptySegment(dir);
    int bad = KvFiles.recordStarts(segment).get(29 - 5); // record 25: item i0 = 25, later i0 = 30
    KvFiles.flipByte(segment, bad + 2);
    try (StorageAdapter store = KvAdapter.fileBased(dir).skipCorruptRecords(true).build()) {
      assertThat(store.get(G, "i0")).isEqualTo(IntNode.valueOf(30));
      assertThat(store.get(G, "i4")).isEqualTo(IntNode.valueOf(29));
      assertThat(store.snapshot(G).seq()).isEqualTo(30);
    }
  }

  @Test
  void corruptSnapshotRefusesToOpenNamingTheFile() throws Exception {
    Path dir = tmp.resolve("db");
    long segment;
    try (StorageAdapter store = open(dir)) {
      writeMix(store);
      segment = ((FileStorage) store).compactNow();
    }
    Path snapshot = Layout.snapshot(dir, segment);
    KvFiles.flipByte(snapshot, Files.size(snapshot) / 2);
    assertThatThrownBy(() -> open(dir))
        .isInstanceOf(StreamException.class)
        .hasMessageContaining(snapshot.toString())
        .hasMessageContaining("byte offset");
  }

  @Test
  void aSecondOpenOfTheSameDirectoryInThisProcessIsRefused() {
    Path dir = tmp.resolve("db");
    try (StorageAdapter first = open(dir)) {
      first.set(G, "i", IntNode.valueOf(1));
      assertThatThrownBy(() -> open(dir))
          .isInstanceOf(StreamException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("already open")
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
    }
    try (StorageAdapter again = open(dir)) {
      assertThat(again.get(G, "i")).isEqualTo(IntNode.valueOf(1));
    }
  }

  @Test
  void aPathThatIsAFileIsRefusedNamingIt() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain"), "x");
    assertThatThrownBy(() -> open(file))
        .isInstanceOf(StreamException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a directory");
    Path under = file.resolve("sub");
    assertThatThrownBy(() -> open(under))
        .isInstanceOf(StreamException.class)
        .hasMessageContaining(under.toString());
  }

  @Test
  void aReadOnlyDirectoryIsRefusedNamingIt() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ro"));
    KvFiles.makeReadOnly(dir);
    try {
      assertThatThrownBy(() -> open(dir))
          .isInstanceOf(StreamException.class)
          .hasMessageContaining(dir.toString())
          .extracting(e -> ((StreamException) e).code())
          .isEqualTo(KvAdapter.STORAGE_OPEN_ERROR);
    } finally {
      KvFiles.makeWritable(dir);
    }
  }

  @Test
  void aWriteThatCannotBePersistedFailsChangesNothingAndTellsNobody() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        KvFiles.runningAsRoot(), "needs chattr: an open file stays writable for non-root owners");
    Path dir = tmp.resolve("db");
    AtomicLong told = new AtomicLong();
    Path segment;
    try (StorageAdapter store = open(dir)) {
      RecordingSink sink = new RecordingSink();
      sink.onCommit = e -> told.incrementAndGet();
      store.start(sink);
      store.set(G, "i", IntNode.valueOf(1));
      told.set(0);
      segment = KvFiles.segments(dir).get(KvFiles.segments(dir).size() - 1);
      KvFiles.makeReadOnly(segment);
      try {
        assertThatThrownBy(() -> store.set(G, "i", IntNode.valueOf(2)))
            .isInstanceOf(StreamException.class)
            .hasMessageContaining(dir.toString())
            .extracting(e -> ((StreamException) e).code())
            .isEqualTo("STREAM_SET_ERROR");
        assertThatThrownBy(() -> store.delete(G, "i"))
            .extracting(e -> ((StreamException) e).code())
            .isEqualTo("STREAM_DELETE_ERROR");
        assertThatThrownBy(() -> store.update(G, "i", v -> v))
            .extracting(e -> ((StreamException) e).code())
            .isEqualTo("STREAM_UPDATE_ERROR");
        assertThatThrownBy(() -> store.send(G, null, PING))
            .extracting(e -> ((StreamException) e).code())
            .isEqualTo("STREAM_SEND_ERROR");
        assertThat(told).hasValue(0);
        assertThat(store.get(G, "i")).isEqualTo(IntNode.valueOf(1));
        assertThat(store.snapshot(G).seq()).isEqualTo(1);
      } finally {
        KvFiles.makeWritable(segment);
      }
    }
    try (StorageAdapter store = open(dir)) {
      assertThat(store.get(G, "i")).isEqualTo(IntNode.valueOf(1));
      assertThat(store.snapshot(G).seq()).isEqualTo(1);
    }
  }

  @Test
  void sendsKeepTheSeqGoingAcrossARestart() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      store.set(G, "i", IntNode.valueOf(1));
      for (int i = 0; i < 3; i++) {
        store.send(G, null, PING);
      }
      assertThat(store.snapshot(G).seq()).isEqualTo(4);
    }
    try (StorageAdapter store = open(dir)) {
      assertThat(store.snapshot(G).seq()).isEqualTo(4);
      assertThat(store.set(G, "i", IntNode.valueOf(2)).seq()).isEqualTo(5);
    }
  }

  @Test
  void aLogThatFailedToWriteRepairsItselfOnceTheCauseIsGoneWithoutAReopen() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        KvFiles.runningAsRoot(), "needs chattr: an open file stays writable for non-root owners");
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      store.set(G, "i", IntNode.valueOf(1));
      Path segment = KvFiles.segments(dir).get(KvFiles.segments(dir).size() - 1);
      KvFiles.makeReadOnly(segment);
      try {
        assertThatThrownBy(() -> store.set(G, "i", IntNode.valueOf(2)))
            .isInstanceOf(StreamException.class)
            .extracting(e -> ((StreamException) e).code())
            .isEqualTo("STREAM_SET_ERROR");
      } finally {
        KvFiles.makeWritable(segment);
      }
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .pollInterval(java.time.Duration.ofMillis(20))
          .ignoreExceptionsInstanceOf(StreamException.class)
          .until(() -> store.set(G, "i", IntNode.valueOf(3)).seq() == 2);
      assertThat(store.set(G, "j", IntNode.valueOf(4)).seq()).isEqualTo(3);
    }
    try (StorageAdapter store = open(dir)) {
      assertThat(store.get(G, "i")).isEqualTo(IntNode.valueOf(3));
      assertThat(store.snapshot(G).seq()).isEqualTo(3);
    }
  }

  @Test
  void closeFlushesEverythingInEveryFsyncMode() {
    for (KvAdapter.Fsync mode : KvAdapter.Fsync.values()) {
      Path dir = tmp.resolve("mode-" + mode);
      try (StorageAdapter store =
          KvAdapter.fileBased(dir)
              .fsync(mode)
              .batchInterval(java.time.Duration.ofMinutes(1))
              .build()) {
        for (int i = 1; i <= 100; i++) {
          store.set(G, "i" + (i % 7), IntNode.valueOf(i));
        }
      }
      try (StorageAdapter store = open(dir)) {
        assertThat(store.snapshot(G).seq()).as("%s", mode).isEqualTo(100);
        assertThat(store.get(G, "i2")).isEqualTo(IntNode.valueOf(100));
      }
    }
  }

  @Test
  void closeIsIdempotentAndWritesAfterCloseFail() {
    StorageAdapter store = open(tmp.resolve("db"));
    store.close();
    store.close();
    assertThatThrownBy(() -> store.set(G, "i", IntNode.valueOf(1)))
        .isInstanceOf(StreamException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void namesNeverBecomeFileNames() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageAdapter store = open(dir)) {
      store.set(new GroupKey("../../etc", "/passwd"), "..", IntNode.valueOf(1));
      store.set(new GroupKey("LOCK", "wal-00000000000000000009.log"), "x", IntNode.valueOf(2));
      ((FileStorage) store).compactNow();
    }
    assertThat(KvFiles.fileNames(dir))
        .allMatch(
            n ->
                n.equals(Layout.LOCK)
                    || n.equals(Layout.MANIFEST)
                    || Layout.segmentNumber(n) >= 0
                    || Layout.snapshotNumber(n) >= 0);
    assertThat(tmp.resolve("etc")).doesNotExist();
    try (StorageAdapter store = open(dir)) {
      assertThat(store.get(new GroupKey("../../etc", "/passwd"), ".."))
          .isEqualTo(IntNode.valueOf(1));
    }
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    var b = KvAdapter.fileBased(tmp);
    assertThatThrownBy(() -> b.segmentSize(100)).hasMessageContaining("100");
    assertThatThrownBy(() -> b.segmentSize(1L << 40))
        .hasMessageContaining(String.valueOf(1L << 40));
    assertThatThrownBy(() -> b.compactionThreshold(5)).hasMessageContaining("5");
    assertThatThrownBy(() -> b.batchInterval(java.time.Duration.ZERO)).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.batchInterval(java.time.Duration.ofHours(2)))
        .hasMessageContaining("PT2H");
    assertThatThrownBy(() -> b.batchInterval(java.time.Duration.ofMillis(-1)))
        .isInstanceOf(StreamException.class)
        .extracting(e -> ((StreamException) e).code())
        .isEqualTo(StreamException.INVALID_ARGUMENT);
    assertThatThrownBy(() -> b.fsync(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> KvAdapter.fileBased(null)).isInstanceOf(NullPointerException.class);
  }
}
