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
   * Computes the new value. Adapters call it while they commit (an in-process store under the
   * group's lock), so it should be quick and should not call the store. A {@code StreamException}
   * it throws fails the write, which then commits nothing.
   *
   * @param current the stored value, or Java {@code null} when the item does not exist
   * @return the value to store, never Java {@code null}
   */
  JsonNode apply(JsonNode current);

  /**
   * What an idempotent update remembers beside its change, so that a repeat of its key can answer
   * as the first call did ({@link Receipt#note()}); read by the adapter after the last {@link
   * #apply} whose result it commits. The default remembers nothing.
   *
   * @return a JSON value to remember, or null
   */
  default JsonNode note() {
    return null;
  }
}
