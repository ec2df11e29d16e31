package dev.rivulet.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Computes an item's new value from its current one for {@code StorageAdapter.update}. It is pure:
 * it never modifies {@code current} and may be called more than once (for example when an adapter
 * retries a compare-and-set); only the value of the last call is committed.
 */
@FunctionalInterface
public interface ItemUpdater {
  /**
   * @param current the stored value, or Java {@code null} when the item does not exist
   * @return the value to store, never Java {@code null}
   */
  JsonNode apply(JsonNode current);
}
