package dev.rivulet.kv;

import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.spi.StorageAdapterContract;

class KvInMemoryAdapterTest extends StorageAdapterContract {
  @Override
  protected StorageAdapter createAdapter() {
    return KvAdapter.inMemory();
  }
}
