package dev.rivulet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rivulet.internal.Wire;
import dev.rivulet.spi.GroupKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a subscriber starts from: for a group subscription {@code data} is the array of item values
 * in list order; for an item subscription it is the item's value (JSON null when missing). {@code
 * seq} is the group's sequence number of the last change included; every later event has a higher
 * one. {@code items} holds the same values by item id, in list order (for an item subscription the
 * item, when it exists); it is empty when a per-stream override function supplied the data, since
 * those return values without ids.
 */
public record Snapshot(
    GroupKey group,
    String itemId,
    JsonNode data,
    Map<String, JsonNode> items,
    long seq,
    long timestamp) {
  public Snapshot {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(data, "data");
    items = Collections.unmodifiableMap(new LinkedHashMap<>(items));
  }

  /**
   * The WebSocket {@code sync} message: the wrapper with {@code event: {type: sync, data}} plus
   * {@code seq}, and for a group {@code itemIds} (the id of each value in {@code data}, when known)
   * so that clients can key their state; clients that do not know these fields ignore them.
   */
  public ObjectNode toSyncJson() {
    return Wire.sync(
        group.stream(),
        group.group(),
        itemId,
        data,
        seq,
        timestamp,
        itemId == null && items.size() == data.size() ? items.keySet() : null);
  }
}
