package dev.rivulet.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rivulet.spi.Event;
import dev.rivulet.spi.GroupKey;

/**
 * Optional near-cache of hot items (Caffeine, bounded by item count). Only items of groups whose
 * events currently reach this instance (the group has local subscribers and its pub/sub connection
 * is up) are served from it; every event and every local write overwrites an entry only with a
 * higher {@code seq}, deletes leave a tombstone, and a lost connection or an unsubscribe drops the
 * group's entries. A read can therefore be stale by at most the pub/sub delivery delay, and during
 * an undetected connection failure by at most the transport's stale period (3 heartbeats).
 */
final class NearCache {
  private record Key(GroupKey group, String item) {}

  /** A cached value (null = deleted) valid as of the group's {@code seq}. */
  private record Entry(JsonNode value, long seq) {}

  private final Cache<Key, Entry> cache;

  NearCache(int maxItems) {
    this.cache = Caffeine.newBuilder().maximumSize(maxItems).build();
  }

  /**
   * The cached value: {@code null} when not cached; a present Optional-like holder otherwise. The
   * returned array is {@code {value}} (value may be null for a deleted item).
   */
  JsonNode[] get(GroupKey group, String item) {
    Entry entry = cache.getIfPresent(new Key(group, item));
    if (entry == null) {
      return null;
    }
    return new JsonNode[] {entry.value() == null ? null : entry.value().deepCopy()};
  }

  /** Records a value read or written at {@code seq} (null value = missing or deleted). */
  void put(GroupKey group, String item, JsonNode value, long seq) {
    Entry fresh = new Entry(value == null ? null : value.deepCopy(), seq);
    cache
        .asMap()
        .merge(new Key(group, item), fresh, (old, neu) -> neu.seq() > old.seq() ? neu : old);
  }

  void apply(Event event) {
    if (event.kind() == Event.Kind.EVENT || event.itemId() == null) {
      return;
    }
    JsonNode value = event.kind() == Event.Kind.DELETE ? null : event.data();
    put(event.group(), event.itemId(), value, event.seq());
  }

  void invalidate(GroupKey group) {
    cache.asMap().keySet().removeIf(k -> k.group().equals(group));
  }

  long size() {
    return cache.estimatedSize();
  }
}
