package dev.rivulet.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.rivulet.StreamException;
import dev.rivulet.spi.GroupKey;
import dev.rivulet.spi.StorageAdapter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvLockIT {
  @TempDir Path tmp;

  @Test
  void aSecondProcessIsRefusedNamingTheHolderUntilTheHolderDies() throws Exception {
    Path dir = tmp.resolve("db");
    try (ChildJvm holder =
        new ChildJvm(tmp.resolve("holder.err"), KvLockHolder.class, dir.toString())) {
      holder.await("LOCKED", 60_000);
      assertThatThrownBy(() -> KvAdapter.fileBased(dir).build())
          .isInstanceOf(StreamException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("locked by another process")
          .hasMessageContaining("pid " + holder.process.pid())
          .extracting(e -> ((StreamException) e).code())
          .isEqualTo(KvAdapter.STORAGE_OPEN_ERROR);
      holder.kill();
    }
    try (StorageAdapter store = KvAdapter.fileBased(dir).build()) {
      store.set(new GroupKey("s", "g"), "i", IntNode.valueOf(1));
      assertThat(store.get(new GroupKey("s", "g"), "i")).isEqualTo(IntNode.valueOf(1));
    }
  }
}
