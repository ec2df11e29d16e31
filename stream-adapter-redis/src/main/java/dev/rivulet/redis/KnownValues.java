package dev.rivulet.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rivulet.spi.GroupKey;

/**
 * The stored text of recently updated items as this instance last saw it (its own writes and the
 * compare-and-set replies), so an {@code update} can usually skip reading the value first: it runs
 * the ops on the remembered text and commits with the compare-and-set script, which checks the
 * stored text is still exactly that and otherwise returns the current text for the retry. A stale
 * entry therefore only costs one more round; it can never produce a wrong result. Bounded by total
 * text length (entries of values too large to keep are simply not remembered).
 */
final class KnownValues {
  private static final long MAX_CHARS = 8L << 20;

  private record Key(GroupKey group, String item) {}

  /** The stored text ({@code null} = the item does not exist). */
  record Known(String raw) {}

  private final Cache<Key, Known> known =
      Caffeine.newBuilder()
          .maximumWeight(MAX_CHARS)
          .weigher(
              (Key k, Known v) -> 64 + k.item().length() + (v.raw() == null ? 0 : v.raw().length()))
          .executor(Runnable::run)
          .build();

  /** The remembered text, or null when nothing is remembered. */
  Known get(GroupKey group, String item) {
    return known.getIfPresent(new Key(group, item));
  }

  /** Remembers {@code raw} (null = absent) as the stored text of the item. */
  void put(GroupKey group, String item, String raw) {
    known.put(new Key(group, item), new Known(raw));
  }

  /** Refreshes the item's entry after another kind of write, if it is remembered at all. */
  void refresh(GroupKey group, String item, String raw) {
    known.asMap().computeIfPresent(new Key(group, item), (k, v) -> new Known(raw));
  }

  /** Forgets the item (its stored text is unknown, e.g. after a failed write). */
  void forget(GroupKey group, String item) {
    known.invalidate(new Key(group, item));
  }
}
