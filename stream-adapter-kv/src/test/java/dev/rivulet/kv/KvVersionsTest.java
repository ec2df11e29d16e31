package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.Guard;
import dev.rivulet.spi.PreconditionFailedException;
import dev.rivulet.spi.StorageAdapter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Item versions survive a restart, from the log and from a compaction snapshot (SPEC §11). */
class KvVersionsTest {
  private static final GroupKey G = new GroupKey("s", "g");

  @TempDir Path dir;

  private static Guard ifVersion(long version) {
    return new Guard(version, null, 0);
  }

  @Test
  void versionsAreRecoveredFromTheLogAndFromASnapshot() throws Exception {
    long a;
    long b;
    long written;
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      a = store.set(G, "a", IntNode.valueOf(1)).seq();
      b = store.set(G, "b", IntNode.valueOf(1)).seq();
      ((FileStorage) store).compactNow(); // a and b now live in the snapshot
      store.set(G, "c", IntNode.valueOf(1));
      b = store.update(G, "b", v -> IntNode.valueOf(2)).seq(); // b's version is in the log
    }
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      assertThatThrownBy(() -> store.set(G, "a", IntNode.valueOf(9), ifVersion(a + 1)))
          .isInstanceOf(PreconditionFailedException.class)
          .hasMessage("item a is at version " + a + ", not " + (a + 1));
      written = store.set(G, "a", IntNode.valueOf(2), ifVersion(a)).change().seq();
      assertThat(store.delete(G, "b", ifVersion(b)).change().committed()).isTrue();
      ((FileStorage) store).compactNow();
      store.set(G, "d", IntNode.valueOf(1));
      assertThat(written).isGreaterThan(b);
    }
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      long at = store.snapshot(G).seq();
      assertThat(store.set(G, "a", IntNode.valueOf(3), ifVersion(written)).change().seq())
          .as("a's version came back from the second snapshot")
          .isEqualTo(at + 1);
    }
  }
}
