package dev.rivulet.kv;

import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.StorageAdapterContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class KvFileAdapterTest extends StorageAdapterContract {
  @TempDir Path dir;

  @Override
  protected StorageAdapter createAdapter() {
    return KvAdapter.fileBased(dir.resolve("store")).build();
  }
}
