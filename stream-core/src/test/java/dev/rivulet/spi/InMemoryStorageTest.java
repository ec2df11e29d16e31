package dev.rivulet.spi;

/** The in-memory store passes the adapter contract. */
class InMemoryStorageTest extends StorageAdapterContract {
  @Override
  protected StorageAdapter createAdapter() {
    return StorageAdapter.inMemory();
  }
}
