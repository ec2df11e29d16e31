package dev.rivulet.kv;

import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.StorageAdapterContract;

class KvInMemoryAdapterTest extends StorageAdapterContract {
  @Override
  protected StorageAdapter createAdapter() {
    return KvAdapter.inMemory();
  }
}
