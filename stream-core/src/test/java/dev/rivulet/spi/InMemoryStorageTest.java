package dev.rivulet.spi;

import dev.rivulet.testkit.StorageAdapterContract;

/** The in-memory store passes the adapter contract. */
class InMemoryStorageTest extends StorageAdapterContract {
  @Override
  protected StorageAdapter createAdapter() {
    return StorageAdapter.inMemory();
  }
}
