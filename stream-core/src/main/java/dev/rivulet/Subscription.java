package dev.rivulet;

import dev.rivulet.spi.GroupKey;

/**
 * A live in-process subscription; {@link #close()} stops it (idempotent). Thread-safe: it may be
 * closed from any thread, including from the listener's own callback.
 */
public interface Subscription extends AutoCloseable {
  /**
   * The group subscribed to (or the group of the subscribed item).
   *
   * @return the (stream, group) key; never null
   */
  GroupKey group();

  /**
   * The item of an item subscription, or {@code null} for the whole group.
   *
   * @return the item id, or null for a group subscription
   */
  String itemId();

  /**
   * Stops the subscription: the listener gets no further callbacks, except possibly one already
   * being delivered on the engine's executor. Idempotent; never throws.
   */
  @Override
  void close();
}
