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
 *
 * @param group the group; never null
 * @param itemId the item of an item subscription, or null for a group subscription
 * @param data the values array (group) or the item's value (item, JSON null when missing); never
 *     Java null
 * @param items the same values by item id in list order; copied, unmodifiable
 * @param seq the group's {@code seq} of the last change included (0 for a group that never changed)
 * @param timestamp that change's timestamp, epoch milliseconds
 */
public record Snapshot(
    GroupKey group,
    String itemId,
    JsonNode data,
    Map<String, JsonNode> items,
    long seq,
    long timestamp) {
  /**
   * Checks the components and copies {@code items}.
   *
   * @param group the group; never null
   * @param itemId the item of an item subscription, or null for a group subscription
   * @param data the values array or the item's value; never Java null
   * @param items the values by item id; never null, copied keeping its iteration order
   * @param seq the group's {@code seq} of the last change included
   * @param timestamp that change's timestamp
   * @throws NullPointerException when {@code group}, {@code data} or {@code items} is null
   */
  public Snapshot {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(data, "data");
    items = Collections.unmodifiableMap(new LinkedHashMap<>(items));
  }

  /**
   * The WebSocket {@code sync} message: the wrapper with {@code event: {type: sync, data}} plus
   * {@code seq}, and for a group {@code itemIds} (the id of each value in {@code data}, when known)
   * so that clients can key their state; clients that do not know these fields ignore them. {@code
   * itemIds} is left out when the ids are not known (an item subscription, or data from an override
   * function).
   *
   * @return a new JSON object on every call
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
