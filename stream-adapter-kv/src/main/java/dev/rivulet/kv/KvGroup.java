package dev.rivulet.kv;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rivulet.spi.GroupKey;
import java.util.LinkedHashMap;

/**
 * One group: its items in list order, its last {@code seq} and timestamp, guarded by the object's
 * monitor. Kept after it was emptied so {@code seq} never goes backwards.
 */
final class KvGroup {
  final GroupKey key;
  final LinkedHashMap<String, JsonNode> items = new LinkedHashMap<>();
  long seq;
  long timestamp;
  volatile int size;

  KvGroup(GroupKey key) {
    this.key = key;
  }

  /** The timestamp the next change gets: {@code max(now, last + 1)}. Caller holds the monitor. */
  long nextTimestamp(long now) {
    return Math.max(now, timestamp + 1);
  }

  /** Records that a change with {@code seq} and {@code timestamp} was applied. */
  void advance(long seq, long timestamp) {
    this.seq = seq;
    this.timestamp = timestamp;
    this.size = items.size();
  }
}
