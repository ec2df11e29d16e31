package dev.rivulet;

import dev.rivulet.spi.GroupKey;

/** A live in-process subscription; {@link #close()} stops it (idempotent). */
public interface Subscription extends AutoCloseable {
  GroupKey group();

  /** The item of an item subscription, or {@code null} for the whole group. */
  String itemId();

  @Override
  void close();
}
