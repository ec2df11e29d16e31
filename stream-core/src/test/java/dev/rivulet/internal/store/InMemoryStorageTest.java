package dev.rivulet.internal.store;

import dev.rivulet.spi.EventHistory;
import dev.rivulet.spi.StorageAdapter;
import dev.rivulet.testkit.StorageAdapterContract;

/** The in-memory store (the engine's default) passes the adapter contract. */
class InMemoryStorageTest extends StorageAdapterContract {
  @Override
  protected StorageAdapter createAdapter() {
    return TableStore.inMemory(System::currentTimeMillis, EventHistory.Limits.defaults());
  }
}
